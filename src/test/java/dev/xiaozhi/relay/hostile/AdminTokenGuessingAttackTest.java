package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "also close": failed admin tokens were not throttled, so an address could guess admin tokens as fast as
 * the admin port answered.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class AdminTokenGuessingAttackTest {

    private static final int GUESSES = 50;

    @TempDir
    Path stateDir;

    /**
     * Verifies that the admin port throttles failed tokens per address, like the device fronts.
     * GIVEN a relay with the default {@code server.authFailures} (10 a minute)
     * WHEN one address sends {@value #GUESSES} wrong admin tokens, then the right one
     * THEN the first 10 are 401, every later attempt 429 (the right token too, until the block ends), and a device
     * is still served.
     */
    @Test
    void throttlesFailedAdminTokens(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < GUESSES; i++) {
                statuses.add(new AdminClient(vertx, relay.adminPort(), "xzr_guess-" + i).get("/tenants")
                        .statusCode());
            }
            int right = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN).get("/tenants")
                    .statusCode();

            assertThat(statuses.subList(0, AuthFailuresConfig.DEFAULT_MAX)).containsOnly(401);
            assertThat(statuses.subList(AuthFailuresConfig.DEFAULT_MAX, GUESSES)).containsOnly(429);
            assertThat(right).isEqualTo(429);
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            assertThat(device.initialize("2025-06-18").at("/result/protocolVersion").asText())
                    .isEqualTo("2025-06-18");
        }
    }
}
