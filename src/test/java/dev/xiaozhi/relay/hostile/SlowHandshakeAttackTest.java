package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #7: 600 TCP connections that never finished the HTTP upgrade were kept open past 120 s; with a lower
 * file-descriptor limit a real device's handshake waited 8 s among "Too many open files".
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class SlowHandshakeAttackTest {

    private static final int CONNECTIONS = 600;
    private static final int PENDING_PER_ADDRESS = 16;

    @TempDir
    Path stateDir;

    /**
     * Verifies that connections which do not send their upgrade in time are closed, and that one address cannot
     * hold many of them.
     * GIVEN a relay with {@code handshakeTimeout: 5s} and {@code maxPendingHandshakes: 16}, two front verticles
     * WHEN one address opens 600 connections, half silent, half stopping in the middle of the request head
     * THEN all but at most 32 are closed once they waited the over-limit grace (2 s), those within the timeout, and a
     * device from another address connects during the attack as fast as ever.
     */
    @Test
    void closesConnectionsThatNeverUpgrade(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "handshakeTimeout: 5s\nmaxPendingHandshakes: "
                + PENDING_PER_ADDRESS)) {
            NetClient net = vertx.createNetClient();
            AtomicInteger closed = new AtomicInteger();
            List<Future<NetSocket>> sockets = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                boolean silent = i % 2 == 0;
                sockets.add(net.connect(relay.port(), "127.0.0.1").onSuccess(socket -> {
                    socket.closeHandler(v -> closed.incrementAndGet());
                    if (!silent) {
                        socket.write("GET /mcp?token=" + TestRelay.TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                    }
                }));
            }
            Future.all(sockets).await(20, TimeUnit.SECONDS);
            long attackOpened = System.nanoTime();

            Await.until(vertx, 3_000, () -> closed.get() >= CONNECTIONS - 2 * PENDING_PER_ADDRESS);
            long started = System.nanoTime();
            WebSocketClient elsewhere = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setLocalAddress("127.0.0.2"));
            elsewhere.connect(new WebSocketConnectOptions().setAbsoluteURI(relay.url(TestRelay.TOKEN)))
                    .await(10, TimeUnit.SECONDS);
            long deviceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Await.until(vertx, 8_000, () -> closed.get() == CONNECTIONS);
            long allClosedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attackOpened);

            assertThat(deviceMs).isLessThan(1_000);
            assertThat(allClosedMs).isLessThan(7_000);
        }
    }
}
