package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #17: one device token opened 1,500 WebSocket sessions from one address, and all were accepted, though the
 * call limiter assumes one session per device.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class SessionFloodAttackTest {

    private static final int SESSIONS = 300;
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}";

    @TempDir
    Path stateDir;

    /**
     * Verifies that a device holds at most {@code maxSessionsPerDevice} (4 by default) WebSocket sessions, the
     * oldest closed first.
     * GIVEN a tenant that names no per-device limit, with two devices
     * WHEN one device opens {@value #SESSIONS} sessions one after another
     * THEN all but the newest 4 are closed with 1008, oldest first, the newest 4 are served, and so is the other
     * device, whose session opened before the flood.
     */
    @Test
    void closesTheOldestSessionsOfADeviceOverItsLimit(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 2}
                admin: {port: 0}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}, hall: {tokenHash: "%s"}}}
                """.formatted(stateDir, TokenHash.ofPlain(TestRelay.TOKEN), TokenHash.ofPlain(TestRelay.LIMITED_TOKEN)),
                stateDir, Map.of()))) {
            TestSocket fair = TestSocket.connect(vertx, relay.url(TestRelay.LIMITED_TOKEN));
            fair.initialize("2025-06-18");
            List<TestSocket> flood = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < SESSIONS; i++) {
                flood.add(TestSocket.connect(vertx, relay.url(TestRelay.TOKEN)));
            }
            for (TestSocket old : flood.subList(0, SESSIONS - 4)) {
                assertThat(old.awaitClose()).isEqualTo(SessionHost.CLOSE_POLICY_VIOLATION);
            }
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            for (TestSocket newest : flood.subList(SESSIONS - 4, SESSIONS)) {
                newest.initialize("2025-06-18");
                assertThat(newest.exchange(LIST).at("/result/tools").isArray()).isTrue();
            }
            assertThat(fair.exchange(LIST).at("/result/tools").isArray()).isTrue();
            assertThat(tookMs).isLessThan(60_000);
        }
    }
}
