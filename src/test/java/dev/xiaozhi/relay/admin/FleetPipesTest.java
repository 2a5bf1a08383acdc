package dev.xiaozhi.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that the fleet view shows outbound pipes as they are: by state, the longest down, and their history. */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class FleetPipesTest {

    /**
     * Verifies the pipes of a fake Xiaozhi cloud.
     * GIVEN agent0's pipe connected to the cloud, and agent1's refused by it (401)
     * WHEN the cloud closes agent0's connection with 4004 and the pipe reconnects
     * THEN the fleet counts one connected and one unauthorized pipe as the admin API does, lists agent1 as down,
     * counts agent0's pipe session, and agent0's history holds the close with 4004 and its reconnection, newest first.
     */
    @Test
    void showsPipesByStateWithTheirHistory(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud), stateDir, Map.of()))) {
            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
            Await.until(vertx, () -> cloud.connections("agent-jwt-0").size() == 1 && cloud.refusals("bad-jwt") >= 1);
            cloud.connections("agent-jwt-0").get(0).close((short) 4004, "internal server error");
            Await.until(vertx, () -> cloud.connections("agent-jwt-0").size() == 2);
            Await.until(vertx, () -> admin.get("/fleet").bodyAsJsonObject().getJsonObject("pipes")
                    .getInteger("connected") == 1);

            JsonObject fleet = admin.get("/fleet").bodyAsJsonObject();
            JsonObject pipes = fleet.getJsonObject("pipes");
            JsonArray listed = admin.get("/pipes").bodyAsJsonObject().getJsonArray("items");
            JsonObject down = pipes.getJsonArray("longestDown").getJsonObject(0);
            JsonArray history = admin.get("/fleet/tenants/home/devices/agent0").bodyAsJsonObject()
                    .getJsonArray("pipeHistory");
            JsonObject row = admin.get("/fleet/tenants/home/devices?q=agent0").bodyAsJsonObject()
                    .getJsonArray("devices").getJsonObject(0);
            List<String> states = history.stream().map(e -> ((JsonObject) e).getString("state")).toList();

            assertThat(pipes.getInteger("connected") + pipes.getInteger("unauthorized")).isEqualTo(listed.size());
            assertThat(pipes.getInteger("unauthorized")).isEqualTo(1);
            assertThat(pipes.getJsonArray("longestDown")).hasSize(1);
            assertThat(down.getString("device")).isEqualTo("agent1");
            assertThat(down.getString("state")).isEqualTo("unauthorized");
            assertThat(down.getLong("since")).isPositive().isLessThanOrEqualTo(System.currentTimeMillis());
            assertThat(fleet.getJsonArray("nodes").getJsonObject(0).getJsonObject("sessions").getInteger("pipe"))
                    .isEqualTo(1);
            assertThat(states.get(0)).isEqualTo("connected");
            assertThat(states).containsSubsequence("connected", "backoff", "connected", "connecting");
            assertThat(history.stream().map(JsonObject.class::cast).filter(e -> "backoff".equals(e.getString("state")))
                    .findFirst().orElseThrow().getInteger("closeCode")).isEqualTo(4004);
            assertThat(row.getJsonObject("pipe").getString("state")).isEqualTo("connected");
            assertThat(row.getJsonArray("fronts")).containsExactly("pipe");
            assertThat(fleet.encode() + history.encode()).doesNotContain("agent-jwt-0").doesNotContain("bad-jwt");
        }
    }

    private static String yaml(Path stateDir, FakeXiaozhiCloud cloud) {
        return """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin:
                  port: 0
                  tokens:
                    ops: {tokenHash: "%s"}
                pipes: {connectRate: 1000, backoffBase: 100ms, backoffCap: 1s, healthyAfter: 1m}
                targets:
                  calculator: {type: builtin, builtin: calculator}
                tenants:
                  home:
                    devices:
                      agent0: {tokenHash: "%s", endpoint: "%s"}
                      agent1: {tokenHash: "%s", endpoint: "%s"}
                """.formatted(stateDir, TokenHash.ofPlain(TestRelay.ADMIN_TOKEN), TokenHash.ofPlain("xzr_device0"),
                cloud.endpoint("agent-jwt-0"), TokenHash.ofPlain("xzr_device1"), cloud.endpoint("bad-jwt"));
    }
}
