package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HttpPeer;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.SsePeer;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #9: after {@code revoke}, a {@code PATCH {"status":"active"}} made the revoked token work again (its
 * hash was kept); a {@code rotate} with grace 0 left the session of the rotated-out token open (rotation published
 * no change), and a rotated-out token's sessions outlived its grace.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class RevocationAttackTest {

    private static final String KITCHEN = "/tenants/acme/devices/kitchen";

    @TempDir
    Path stateDir;
    private TestRelay relay;
    private AdminClient admin;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        relay = TestRelay.start(stateDir, "");
        admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
    }

    /**
     * Verifies that revocation is final for the token.
     * GIVEN a device whose token was revoked
     * WHEN the device is set active again
     * THEN the revoked token stays refused, and only a rotated one lets the device in.
     */
    @Test
    void neverReactivatesARevokedToken(Vertx vertx) throws Exception {
        TestSocket.connect(vertx, relay.url(TestRelay.TOKEN)).initialize("2024-11-05");

        assertThat(admin.post(KITCHEN + "/revoke", null).statusCode()).isEqualTo(200);
        assertThat(admin.send(HttpMethod.PATCH, KITCHEN, new JsonObject().put("status", "active")).bodyAsJsonObject()
                .getString("status")).isEqualTo("active");

        assertRefused(vertx, relay.url(TestRelay.TOKEN));
        String fresh = admin.post(KITCHEN + "/rotate", new JsonObject().put("graceSeconds", 60)).bodyAsJsonObject()
                .getString("token");
        assertRefused(vertx, relay.url(TestRelay.TOKEN));
        assertThat(TestSocket.connect(vertx, relay.url(fresh)).initialize("2024-11-05").at("/result/protocolVersion")
                .asText()).isEqualTo("2024-11-05");
    }

    /**
     * Verifies that a rotation without grace closes what it replaced.
     * GIVEN a live session on a device's token
     * WHEN the token is rotated with grace 0
     * THEN that session is closed, the old token refused and the new one admitted.
     */
    @Test
    void closesTheSessionOfATokenRotatedWithoutGrace(Vertx vertx) throws Exception {
        TestSocket old = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        old.initialize("2024-11-05");

        String fresh = admin.post(KITCHEN + "/rotate", new JsonObject().put("graceSeconds", 0)).bodyAsJsonObject()
                .getString("token");

        assertThat(old.awaitClose()).isEqualTo((short) 1008);
        assertRefused(vertx, relay.url(TestRelay.TOKEN));
        TestSocket.connect(vertx, relay.url(fresh)).initialize("2024-11-05");
    }

    /**
     * Verifies that a rotation closes, at the end of its grace, what it replaced, on the WebSocket and HTTP fronts.
     * GIVEN a WebSocket and an HTTP session on a device's token
     * WHEN the token is rotated with a grace of 2 s, and during the grace one more WebSocket session opens with the
     * old token and one with the new
     * THEN every session of the old token is served during the grace and closed (1008; the HTTP one answers 404)
     * once it is over, the old token is refused, and the new token's session stays open and served.
     */
    @Test
    void closesTheSessionsOfARotatedOutTokenAtTheEndOfItsGrace(Vertx vertx) throws Exception {
        TestSocket before = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        before.initialize("2024-11-05");
        HttpPeer http = new HttpPeer(relay.port());
        String httpSession = http.initialize(TestRelay.TOKEN, "2025-06-18");

        String fresh = admin.post(KITCHEN + "/rotate", new JsonObject().put("graceSeconds", 2)).bodyAsJsonObject()
                .getString("token");
        long rotated = System.nanoTime();
        TestSocket during = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        during.initialize("2024-11-05");
        TestSocket renewed = TestSocket.connect(vertx, relay.url(fresh));
        renewed.initialize("2024-11-05");
        assertThat(before.exchange(Requests.listTools("1")).at("/result/tools").isArray()).isTrue();
        assertThat(http.post(TestRelay.TOKEN, httpSession, Requests.listTools("2")).statusCode()).isEqualTo(200);

        assertThat(before.awaitClose()).isEqualTo(SessionHost.CLOSE_POLICY_VIOLATION);
        assertThat(during.awaitClose()).isEqualTo(SessionHost.CLOSE_POLICY_VIOLATION);
        long closedAfterMs = (System.nanoTime() - rotated) / 1_000_000;
        assertThat(closedAfterMs).isBetween(1_500L, 4_000L);
        assertThat(http.post(fresh, httpSession, Requests.listTools("3")).statusCode()).isEqualTo(404);
        assertRefused(vertx, relay.url(TestRelay.TOKEN));
        assertThat(renewed.exchange(Requests.listTools("4")).at("/result/tools").isArray()).isTrue();
        assertThat(admin.get("/sessions").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    }

    /**
     * Verifies that a rotation without grace closes the Streamable HTTP and legacy SSE sessions of the token it
     * replaced too.
     * GIVEN a Streamable HTTP session and a legacy SSE stream on a device's token
     * WHEN the token is rotated with grace 0
     * THEN the HTTP session is gone (404, also with the new token), the SSE stream ends, and the new token opens a
     * new session.
     */
    @Test
    void closesTheHttpSessionsOfATokenRotatedWithoutGrace(Vertx vertx) throws Exception {
        HttpPeer http = new HttpPeer(relay.port());
        String session = http.initialize(TestRelay.TOKEN, "2025-06-18");
        try (SsePeer sse = SsePeer.open(relay.port(), TestRelay.TOKEN)) {
            sse.endpoint();

            String fresh = admin.post(KITCHEN + "/rotate", new JsonObject().put("graceSeconds", 0))
                    .bodyAsJsonObject().getString("token");

            Await.until(vertx, sse::ended);
            Await.until(vertx, () -> http.post(fresh, session, Requests.listTools("1")).statusCode() == 404);
            assertThat(http.post(TestRelay.TOKEN, session, Requests.listTools("2")).statusCode()).isEqualTo(401);
            assertThat(http.initialize(fresh, "2025-06-18")).isNotEqualTo(session);
        }
    }

    private static void assertRefused(Vertx vertx, String url) {
        assertThatThrownBy(() -> TestSocket.connect(vertx, url)).isInstanceOfSatisfying(
                UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    }
}
