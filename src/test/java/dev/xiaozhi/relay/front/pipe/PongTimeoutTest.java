package dev.xiaozhi.relay.front.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that a pipe whose cloud stopped answering pings is dropped and dialled again. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class PongTimeoutTest {

    private static final Pattern KEY = Pattern.compile("Sec-WebSocket-Key: (\\S+)", Pattern.CASE_INSENSITIVE);
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /**
     * Verifies that against a raw socket that completes the upgrade and then never answers (no pongs, no close
     * handshake), the relay gives up after ping interval + pong timeout and connects again.
     */
    @Test
    void redialsWhenTheCloudStopsAnsweringPings(Vertx vertx, @TempDir Path stateDir) throws Exception {
        AtomicInteger connections = new AtomicInteger();
        NetServer silentCloud = vertx.createNetServer().connectHandler(socket -> {
            connections.incrementAndGet();
            socket.handler(data -> {
                Matcher key = KEY.matcher(data.toString(StandardCharsets.ISO_8859_1));
                if (key.find()) {
                    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n\r\n");
                }
            });
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        String yaml = """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                pipes: {backoffBase: 100ms, backoffCap: 200ms, pingInterval: 200ms, pongTimeout: 300ms}
                targets: {calculator: {type: builtin, builtin: calculator}}
                tenants:
                  home: {devices: {kitchen: {tokenHash: "%s", endpoint: "ws://127.0.0.1:%d/mcp/?token=t"}}}
                """.formatted(stateDir, TokenHash.ofPlain("xzr_kitchen"), silentCloud.actualPort());
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            Await.until(vertx, () -> connections.get() >= 1);
            long firstAt = System.nanoTime();

            Await.until(vertx, () -> connections.get() >= 2);

            assertThat((System.nanoTime() - firstAt) / 1_000_000).isBetween(400L, 5_000L);
        } finally {
            silentCloud.close();
        }
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
