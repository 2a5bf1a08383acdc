package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the fronts enforce the registry: revocation and disabling close live sessions at once, rotated
 * tokens and their grace, tenants fenced from each other's tools, rate and session limits.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class RegistryEnforcementTest {

    @TempDir
    Path stateDir;
    private TestRelay relay;
    private AdminClient admin;

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    /** Verifies that revoking a device closes its live session within a second and its token stops working. */
    @Test
    void revocationClosesTheLiveSession(Vertx vertx) throws Exception {
        start(vertx, "");
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize("2024-11-05");

        long revokedAt = System.nanoTime();
        assertThat(admin.post("/tenants/acme/devices/kitchen/revoke", null).statusCode()).isEqualTo(200);
        short code = device.awaitClose();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt)).isLessThan(1000);
        assertThat(code).isEqualTo((short) 1008);
        assertRefused(vertx, relay.url(TestRelay.TOKEN), 401);
    }

    /** Verifies that disabling a tenant closes its devices' sessions and leaves other tenants alone. */
    @Test
    void disablingATenantClosesItsSessions(Vertx vertx) throws Exception {
        start(vertx, "");
        TestSocket kitchen = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        TestSocket hall = TestSocket.connect(vertx, relay.url(TestRelay.LIMITED_TOKEN));
        kitchen.initialize("2024-11-05");
        hall.initialize("2024-11-05");

        admin.post("/tenants/acme/disable", null);

        assertThat(kitchen.awaitClose()).isEqualTo((short) 1008);
        assertThat(hall.exchange(Requests.listTools("1")).at("/result/tools")).isNotEmpty();
        assertRefused(vertx, relay.url(TestRelay.TOKEN), 401);
    }

    /** Verifies that a rotated token works at once and the old one only within the grace. */
    @Test
    void rotatedTokensKeepTheOldOneForTheGraceOnly(Vertx vertx) throws Exception {
        start(vertx, "");
        String old = admin.post("/tenants/acme/devices", new JsonObject().put("id", "attic")).bodyAsJsonObject()
                .getString("token");

        String fresh = admin.post("/tenants/acme/devices/attic/rotate", new JsonObject().put("graceSeconds", 1))
                .bodyAsJsonObject().getString("token");

        TestSocket.connect(vertx, relay.url(fresh)).initialize("2024-11-05");
        TestSocket.connect(vertx, relay.url(old)).initialize("2024-11-05");
        vertx.timer(1200, TimeUnit.MILLISECONDS).await();
        assertRefused(vertx, relay.url(old), 401);
        TestSocket.connect(vertx, relay.url(fresh)).initialize("2024-11-05");
        String third = admin.post("/tenants/acme/devices/attic/rotate", new JsonObject().put("graceSeconds", 0))
                .bodyAsJsonObject().getString("token");
        assertRefused(vertx, relay.url(fresh), 401);
        TestSocket.connect(vertx, relay.url(third)).initialize("2024-11-05");
    }

    /**
     * Verifies that two tenants sharing a target each see only what their policy allows: the other's tools are
     * neither listed nor callable, and calling one gives exactly the error of a tool that does not exist.
     */
    @Test
    void fencesTenantsFromEachOthersTools(Vertx vertx) throws Exception {
        start(vertx, "");
        admin.post("/tenants", new JsonObject().put("id", "red").put("policy", new JsonObject()
                .put("allowTargets", new JsonArray().add("diagnostics")).put("allowTools", new JsonArray()
                        .add("diagnostics___echo"))));
        admin.post("/tenants", new JsonObject().put("id", "blue").put("policy", new JsonObject()
                .put("allowTargets", new JsonArray().add("*")).put("denyTools", new JsonArray()
                        .add("diagnostics___echo"))));
        TestSocket red = connectNew(vertx, "red", "radio");
        TestSocket blue = connectNew(vertx, "blue", "lamp");

        String redTools = red.exchange(Requests.listTools("1")).at("/result").toString();
        String blueTools = blue.exchange(Requests.listTools("1")).at("/result").toString();
        JsonNode hidden = red.exchange(Requests.call(2, "diagnostics___sleep", "{\"ms\":1}"));
        JsonNode unknown = red.exchange(Requests.call(2, "diagnostics___sleeq", "{\"ms\":1}"));
        JsonNode hiddenFromBlue = blue.exchange(Requests.call(3, "diagnostics___echo", "{\"text\":\"hi\"}"));
        JsonNode unknownToBlue = blue.exchange(Requests.call(3, "diagnostics___echn", "{\"text\":\"hi\"}"));

        assertThat(redTools).contains("diagnostics___echo").doesNotContain("sleep").doesNotContain("calculator");
        assertThat(blueTools).contains("diagnostics___sleep", "calculator___evaluate").doesNotContain("echo");
        assertThat(hidden.toString().replace("sleep", "sleeq")).isEqualTo(unknown.toString());
        assertThat(hidden.at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        assertThat(hiddenFromBlue.toString().replace("echo", "echn")).isEqualTo(unknownToBlue.toString());
        assertThat(Requests.text(red.exchange(Requests.call(4, "diagnostics___echo", "{\"text\":\"hi\"}"))))
                .contains("hi");
    }

    /** Verifies that narrowing a device's policy takes effect in its live session, which is told its tools changed. */
    @Test
    void appliesPolicyChangesToLiveSessions(Vertx vertx) throws Exception {
        start(vertx, "");
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize("2024-11-05");

        admin.send(HttpMethod.PATCH, "/tenants/acme/devices/kitchen", new JsonObject().put("policy",
                new JsonObject().put("allowTargets", new JsonArray().add("calculator"))));

        assertThat(device.nextJson().path("method").asText()).isEqualTo("notifications/tools/list_changed");
        assertThat(device.exchange(Requests.listTools("1")).at("/result/tools").size()).isEqualTo(1);
    }

    /** Verifies the per-device token bucket: over the rate, a JSON-RPC error with a retry hint. */
    @Test
    void limitsTheCallRate(Vertx vertx) throws Exception {
        start(vertx, "");
        admin.post("/tenants", new JsonObject().put("id", "busy").put("limits", new JsonObject()
                .put("deviceCallsPerMinute", 2).put("callsPerMinute", 3)));
        TestSocket first = connectNew(vertx, "busy", "one");
        TestSocket second = connectNew(vertx, "busy", "two");
        String call = Requests.call(1, "calculator___evaluate", "{\"expression\":\"1+1\"}");

        assertThat(Requests.text(first.exchange(call))).isEqualTo("2");
        assertThat(Requests.text(first.exchange(call))).isEqualTo("2");
        JsonNode overDevice = first.exchange(call);
        assertThat(Requests.text(second.exchange(call))).isEqualTo("2");
        JsonNode overTenant = second.exchange(call);

        assertThat(overDevice.at("/error/code").asInt()).isEqualTo(JsonRpc.RATE_LIMITED);
        assertThat(overDevice.at("/error/message").asText()).startsWith("Rate limit exceeded: retry in");
        assertThat(overDevice.at("/error/data/retryAfterMs").asLong()).isBetween(1L, 30_000L);
        assertThat(overTenant.at("/error/code").asInt()).isEqualTo(JsonRpc.RATE_LIMITED);
    }

    /** Verifies that a tenant at its session limit gets 429 at the handshake, and room again once one closes. */
    @Test
    void limitsSessionsPerTenant(Vertx vertx) throws Exception {
        start(vertx, "");
        admin.post("/tenants", new JsonObject().put("id", "small").put("limits", new JsonObject()
                .put("maxSessions", 1)));
        String token = admin.post("/tenants/small/devices", new JsonObject().put("id", "only")).bodyAsJsonObject()
                .getString("token");
        TestSocket first = TestSocket.connect(vertx, relay.url(token));

        assertRefused(vertx, relay.url(token), 429);
        first.socket().close().await(10, TimeUnit.SECONDS);
        Await.until(vertx, () -> admin.get("/sessions").bodyAsJsonObject()
                .getJsonArray("items").isEmpty());
        TestSocket.connect(vertx, relay.url(token)).initialize("2024-11-05");
    }

    /**
     * Verifies that an address that presents too many distinct bad tokens gets 429, even with a good token, until its
     * block ends.
     */
    @Test
    void throttlesFailedAuthentication(Vertx vertx) throws Exception {
        start(vertx, "authFailures: {max: 3, window: 1m, block: 1s, maxTokensPerAddress: 3}");
        for (int i = 0; i < 3; i++) {
            assertRefused(vertx, relay.url("xzr_guess" + i), 401);
        }

        assertRefused(vertx, relay.url("xzr_guess3"), 429);
        assertRefused(vertx, relay.url(TestRelay.TOKEN), 429);
        vertx.timer(1100, TimeUnit.MILLISECONDS).await();
        TestSocket.connect(vertx, relay.url(TestRelay.TOKEN)).initialize("2024-11-05");
    }

    private void start(Vertx vertx, String serverExtra) throws Exception {
        relay = TestRelay.start(stateDir, serverExtra);
        admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
    }

    private TestSocket connectNew(Vertx vertx, String tenant, String device) throws Exception {
        String token = admin.post("/tenants/" + tenant + "/devices", new JsonObject().put("id", device))
                .bodyAsJsonObject().getString("token");
        TestSocket socket = TestSocket.connect(vertx, relay.url(token));
        socket.initialize("2024-11-05");
        return socket;
    }

    private static void assertRefused(Vertx vertx, String url, int status) {
        assertThatThrownBy(() -> TestSocket.connect(vertx, url)).isInstanceOfSatisfying(
                UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(status));
    }
}
