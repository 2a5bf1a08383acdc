package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.support.AdminClient;
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
 * no change).
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

    private static void assertRefused(Vertx vertx, String url) {
        assertThatThrownBy(() -> TestSocket.connect(vertx, url)).isInstanceOfSatisfying(
                UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    }
}
