package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that the relay pings its devices and closes those that stopped answering. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class KeepAliveTest {

    private static final int PING_OPCODE = 0x89;
    private static final int CLOSE_OPCODE = 0x88;

    /**
     * Verifies that a peer that never answers pings (a raw socket that does the upgrade and then stays silent) is
     * pinged and then closed with 1000 "idle".
     */
    @Test
    void pingsAndClosesSilentPeers(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "pingInterval: 200ms\nidleTimeout: 700ms")) {
            Buffer received = Buffer.buffer();
            NetSocket socket = vertx.createNetClient().connect(relay.port(), "127.0.0.1")
                    .await(10, TimeUnit.SECONDS);
            socket.handler(data -> {
                synchronized (received) {
                    received.appendBuffer(data);
                }
            });

            socket.write("GET /mcp?token=" + TestRelay.TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

            Await.until(vertx, () -> frames(received).contains(CLOSE_OPCODE));
            byte[] frames = framesBytes(received);
            assertThat(frames(received)).contains(PING_OPCODE);
            int close = indexOf(frames, CLOSE_OPCODE);
            int code = ((frames[close + 2] & 0xff) << 8) | (frames[close + 3] & 0xff);
            assertThat(code).isEqualTo(1000);
            assertThat(new String(frames, close + 4, frames[close + 1] - 2, StandardCharsets.UTF_8)).isEqualTo("idle");
        }
    }

    /** The opcodes of the server frames received after the upgrade response (server frames are unmasked). */
    private static List<Integer> frames(Buffer received) {
        byte[] bytes = framesBytes(received);
        List<Integer> opcodes = new ArrayList<>();
        for (int i = 0; i + 1 < bytes.length; i += 2 + (bytes[i + 1] & 0x7f)) {
            opcodes.add(bytes[i] & 0xff);
        }
        return opcodes;
    }

    private static byte[] framesBytes(Buffer received) {
        synchronized (received) {
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? new byte[0] : received.getBytes(end + 4, received.length());
        }
    }

    private static int indexOf(byte[] frames, int opcode) {
        for (int i = 0; i + 1 < frames.length; i += 2 + (frames[i + 1] & 0x7f)) {
            if ((frames[i] & 0xff) == opcode) {
                return i;
            }
        }
        return -1;
    }
}
