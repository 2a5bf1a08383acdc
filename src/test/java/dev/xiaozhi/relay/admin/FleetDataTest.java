package dev.xiaozhi.relay.admin;

import static dev.xiaozhi.relay.support.Requests.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileStdioServer;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the fleet view under {@code /admin/v1/fleet} tells what the relay and its devices really did: the
 * sessions the admin API lists, the calls devices made (a failing target's errors, open circuit and restarts), the
 * rate limit's rejections, a device's sessions and recent calls, and a target's stderr for the admin role only.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class FleetDataTest {

    @TempDir
    Path stateDir;
    private TestRelay relay;
    private AdminClient admin;
    private AdminClient reader;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        String yaml = TestRelay.yaml(stateDir, "")
                .replace("targets:\n", "targets:\n  crashing: " + HostileStdioServer.target("crash",
                        "breaker: {maxFailures: 2, failureWindow: 60s, resetTimeout: 60s}") + "\n")
                .replace("    targets: [calc*]\n", "    targets: [calc*]\n    limits: {deviceCallsPerMinute: 2}\n");
        relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
        admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
        reader = new AdminClient(vertx, relay.adminPort(), TestRelay.READER_TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
    }

    /**
     * Verifies that the fleet's counts are the admin API's and the devices' own.
     * GIVEN a session of kitchen (acme) making three calculator calls and calls that crash their stdio target until
     * its circuit opens, and a session of hall (limited, 2 calls a minute) making three calls
     * WHEN the fleet is read
     * THEN its node and tenants count the sessions the admin API lists, calculator shows the five calls that ran
     * without error, the crashing target its errors and an open circuit (and the transition to it), and the third
     * call of hall a rate-limit rejection, and the unknown token an auth failure.
     */
    @Test
    void countsWhatDevicesDid(Vertx vertx) throws Exception {
        relay.awaitTool(vertx, TestRelay.TOKEN, "crashing___crash");
        TestSocket kitchen = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        kitchen.initialize("2024-11-05");
        TestSocket hall = TestSocket.connect(vertx, relay.url(TestRelay.LIMITED_TOKEN));
        hall.initialize("2024-11-05");
        for (int i = 0; i < 3; i++) {
            kitchen.exchange(call(10 + i, "calculator___evaluate", "{\"expression\":\"1+" + i + "\"}"));
            hall.exchange(call(20 + i, "calculator___evaluate", "{\"expression\":\"2+" + i + "\"}"));
        }
        assertThatThrownBy(() -> TestSocket.connect(vertx, relay.url("xzr_not-a-device"))).isNotNull();
        AtomicInteger ids = new AtomicInteger(30);
        Await.until(vertx, 30_000, () -> {
            kitchen.exchange(call(ids.incrementAndGet(), "crashing___crash", "{}"));
            return "open".equals(target(fleet(), "crashing").getString("circuit"));
        });

        JsonObject fleet = fleet();
        JsonArray listed = admin.get("/sessions").bodyAsJsonObject().getJsonArray("items");
        JsonObject node = fleet.getJsonArray("nodes").getJsonObject(0);
        JsonObject acme = tenant(fleet, "acme");
        JsonObject calculator = target(fleet, "calculator");
        JsonObject crashing = target(fleet, "crashing");

        assertThat(fleet.getJsonArray("nodes")).hasSize(1);
        assertThat(node.getBoolean("answering")).isTrue();
        assertThat(node.getBoolean("ready")).isTrue();
        assertThat(node.getJsonObject("sessions").getInteger("websocket")).isEqualTo(listed.stream()
                .filter(s -> "websocket".equals(((JsonObject) s).getString("front"))).count()).isEqualTo(2);
        assertThat(acme.getJsonObject("sessions").getInteger("websocket")).isEqualTo(1);
        assertThat(acme.getInteger("devices")).isEqualTo(admin.get("/tenants/acme/devices").bodyAsJsonObject()
                .getJsonArray("items").size());
        assertThat(sum(calculator.getJsonObject("series").getJsonArray("calls"))).isEqualTo(5);
        assertThat(sum(calculator.getJsonObject("series").getJsonArray("errors"))).isZero();
        assertThat(calculator.getJsonObject("series").getJsonArray("p99Ms")).hasSize(90);
        assertThat(calculator.getDouble("callsPerSecond")).isPositive();
        assertThat(calculator.getString("circuit")).isEqualTo("closed");
        assertThat(calculator.getInteger("tools")).isEqualTo(1);
        assertThat(sum(crashing.getJsonObject("series").getJsonArray("errors"))).isGreaterThanOrEqualTo(1);
        assertThat(crashing.getDouble("errorRate")).isPositive();
        assertThat(crashing.getString("circuit")).isEqualTo("open");
        assertThat(admin.get("/fleet/targets/crashing").bodyAsJsonObject().getJsonArray("breaker").getJsonObject(0)
                .getString("to")).isEqualTo("open");
        assertThat(fleet.getJsonObject("rejections").getLong("rateLimited")).isEqualTo(1);
        assertThat(fleet.getJsonObject("rejections").getLong("authFailures")).isEqualTo(1);
        kitchen.socket().close();
        hall.socket().close();
    }

    /**
     * Verifies that a device's detail holds its session and its calls by target and outcome, never their arguments,
     * and that its row in the tenant's page shows it online.
     */
    @Test
    void tellsADevicesSessionsAndCalls(Vertx vertx) throws Exception {
        TestSocket kitchen = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        kitchen.initialize("2024-11-05");
        kitchen.exchange(call(1, "calculator___evaluate", "{\"expression\":\"40+2\"}"));
        kitchen.exchange(call(2, "diagnostics___sleep", "{\"ms\":5000}"));

        JsonObject device = admin.get("/fleet/tenants/acme/devices/kitchen").bodyAsJsonObject();
        JsonObject page = admin.get("/fleet/tenants/acme/devices").bodyAsJsonObject();
        JsonObject row = page.getJsonArray("devices").getJsonObject(0);

        assertThat(device.getBoolean("online")).isTrue();
        assertThat(device.getString("status")).isEqualTo("enabled");
        assertThat(device.getJsonArray("sessions")).hasSize(1);
        assertThat(device.getJsonArray("sessions").getJsonObject(0).getString("front")).isEqualTo("websocket");
        assertThat(device.getJsonArray("recentCalls").stream().map(c -> ((JsonObject) c).getString("target") + ":"
                + ((JsonObject) c).getString("outcome")).toList())
                .containsExactly("diagnostics:timeout", "calculator:ok");
        assertThat(device.encode()).doesNotContain("40+2").doesNotContain("expression").doesNotContain("5000")
                .doesNotContain(TestRelay.TOKEN);
        assertThat(device.getLong("lastSeen")).isPositive();
        assertThat(row.getString("device")).isEqualTo("kitchen");
        assertThat(row.getBoolean("online")).isTrue();
        assertThat(row.getJsonArray("fronts")).containsExactly("websocket");
        kitchen.socket().close();
    }

    /**
     * Verifies that a stdio target's restarts carry its last stderr lines, redacted, to the admin role, and nothing
     * of them to a reader; and that its breaker's transitions are listed.
     */
    @Test
    void showsRestartsWithRedactedStderrToTheAdminOnly(Vertx vertx) throws Exception {
        relay.awaitTool(vertx, TestRelay.TOKEN, "crashing___crash");
        TestSocket kitchen = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        kitchen.initialize("2024-11-05");
        kitchen.exchange(call(1, "crashing___crash", "{}"));
        Await.until(vertx, () -> !admin.get("/fleet/targets/crashing").bodyAsJsonObject().getJsonArray("restarts")
                .isEmpty());

        JsonObject forAdmin = admin.get("/fleet/targets/crashing").bodyAsJsonObject();
        JsonObject forReader = reader.get("/fleet/targets/crashing").bodyAsJsonObject();
        JsonObject restart = forAdmin.getJsonArray("restarts").getJsonObject(0);
        String stderr = restart.getJsonArray("stderr").stream().map(String::valueOf)
                .collect(Collectors.joining("\n"));

        assertThat(forAdmin.getString("type")).isEqualTo("stdio");
        assertThat(forAdmin.getJsonArray("tools")).contains("crash", "fair");
        assertThat(restart.getInteger("exitCode")).isEqualTo(HostileStdioServer.CRASH_EXIT);
        assertThat(stderr).contains("fatal: crashing on purpose", "[redacted]")
                .doesNotContain("sk-live-0123456789abcdef", "eyJhbGciOiJIUzI1NiJ9", "0123456789abcdef0123456789abcdef");
        assertThat(forReader.getJsonArray("restarts")).hasSize(forAdmin.getJsonArray("restarts").size());
        assertThat(forReader.getJsonArray("restarts").getJsonObject(0).containsKey("stderr")).isFalse();
        assertThat(forReader.encode()).doesNotContain("crashing on purpose");
        kitchen.socket().close();
    }

    private JsonObject fleet() throws Exception {
        return admin.get("/fleet").bodyAsJsonObject();
    }

    private static JsonObject tenant(JsonObject fleet, String id) {
        return find(fleet.getJsonArray("tenants"), "tenant", id);
    }

    private static JsonObject target(JsonObject fleet, String id) {
        return find(fleet.getJsonArray("targets"), "target", id);
    }

    private static JsonObject find(JsonArray items, String key, String id) {
        List<JsonObject> found = items.stream().map(JsonObject.class::cast)
                .filter(item -> id.equals(item.getString(key))).toList();
        assertThat(found).as(key + " " + id).hasSize(1);
        return found.get(0);
    }

    private static long sum(JsonArray values) {
        return values.stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }
}
