package dev.xiaozhi.relay.front.pipe;

import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud.Connection;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies outbound pipes against a fake Xiaozhi cloud: the exact conversation, reconnection and refusals. */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class OutboundPipeTest {

    private static String yaml(Path stateDir, FakeXiaozhiCloud cloud, String... tokens) {
        StringBuilder devices = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            devices.append("      agent").append(i).append(": {tokenHash: \"")
                    .append(TokenHash.ofPlain("xzr_device" + i)).append("\", endpoint: \"")
                    .append(cloud.endpoint(tokens[i])).append("\"}\n");
        }
        return """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                pipes: {connectRate: 1000, backoffBase: 100ms, backoffCap: 1s, healthyAfter: 1m}
                targets:
                  calculator: {type: builtin, builtin: calculator}
                tenants:
                  home:
                    devices:
                %s""".formatted(stateDir, devices);
    }

    /**
     * Verifies that a pipe answers the cloud's exact opening and calls, and reconnects with one socket when the
     * cloud closes it with 4004.
     */
    @Test
    void servesTheCloudConversationAndReconnectsAfter4004(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud, "agent-jwt-1"), stateDir,
                        Map.of()))) {
            Await.until(vertx, () -> cloud.connections("agent-jwt-1").size() == 1);
            Connection first = cloud.connections("agent-jwt-1").get(0);

            JsonNode init = first.next();
            JsonNode list = first.next();
            first.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"calculator___evaluate\",\"arguments\":{\"expression\":\"6*7\"},\"clientId\":\"c\","
                    + "\"serialNumber\":null,\"_meta\":{\"clientId\":null,\"serialNumber\":null,\"agentId\":null}}}");
            JsonNode call = first.next();
            first.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
            JsonNode pong = first.next();

            assertThat(init.get("id").isIntegralNumber()).isTrue();
            assertThat(init.at("/result/protocolVersion").asText()).isEqualTo("2024-11-05");
            assertThat(list.at("/result/tools/0/name").asText()).isEqualTo("calculator___evaluate");
            assertThat(text(call)).isEqualTo("42");
            assertThat(pong.toString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");

            first.close((short) 4004, "internal server error");
            Await.until(vertx, () -> cloud.connections("agent-jwt-1").size() == 2);
            Connection second = cloud.connections("agent-jwt-1").get(1);
            assertThat(second.next().at("/result/protocolVersion").asText()).isEqualTo("2024-11-05");
            JsonObject status = pipes(vertx, relay).getJsonArray("pipes").getJsonObject(0);
            assertThat(status.getString("state")).isEqualTo("connected");
            assertThat(status.getInteger("lastCloseCode")).isEqualTo(4004);
            assertThat(status.encode()).doesNotContain("agent-jwt-1");
        }
    }

    /** Verifies that a refused handshake shows as unauthorized and is retried at the cap, not in a loop. */
    @Test
    void marksRefusedPipesUnauthorizedAndRetriesAtTheCap(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud, "bad-jwt"), stateDir,
                        Map.of()))) {
            Await.until(vertx, () -> cloud.refusals("bad-jwt") == 1);
            long refusedAt = System.nanoTime();
            Await.until(vertx, () -> "unauthorized".equals(pipes(vertx, relay).getJsonArray("pipes")
                    .getJsonObject(0).getString("state")));

            Await.until(vertx, () -> cloud.refusals("bad-jwt") == 2);

            assertThat((System.nanoTime() - refusedAt) / 1_000_000).isGreaterThan(700);
            assertThat(pipes(vertx, relay).encode()).contains("unauthorized (HTTP 401)").doesNotContain("bad-jwt");
        }
    }

    /** Verifies that a replaced endpoint URL (token churn) is dialled at once, without a restart. */
    @Test
    void switchesToAReplacedEndpointWithoutARestart(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud, "old-jwt"), stateDir,
                        Map.of()))) {
            Await.until(vertx, () -> cloud.connections("old-jwt").size() == 1);
            Connection old = cloud.connections("old-jwt").get(0);
            old.next();

            relay.node().reload(ConfigLoader.parse(yaml(stateDir, cloud, "new-jwt"), stateDir, Map.of()))
                    .await(10, TimeUnit.SECONDS);

            Await.until(vertx, () -> cloud.connections("new-jwt").size() == 1);
            old.closed().await(10, TimeUnit.SECONDS);
            assertThat(cloud.connections("new-jwt").get(0).next().at("/result/protocolVersion").asText())
                    .isEqualTo("2024-11-05");
            assertThat(cloud.connections("old-jwt")).hasSize(1);
        }
    }

    /** Verifies that 1,000 pipes from one relay are each handshaken and answer a call. */
    @Test
    void runsAThousandPipes(Vertx vertx, @TempDir Path stateDir) throws Exception {
        String[] tokens = new String[1000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = "agent-" + i;
        }
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud, tokens), stateDir,
                        Map.of()))) {
            Await.until(vertx, () -> {
                for (String token : tokens) {
                    if (cloud.connections(token).isEmpty()) {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 0; i < tokens.length; i++) {
                Connection connection = cloud.connections(tokens[i]).get(0);
                connection.next();
                connection.next();
                connection.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                        + "\"calculator___evaluate\",\"arguments\":{\"expression\":\"" + i + "+1\"}}}");
            }
            for (int i = 0; i < tokens.length; i++) {
                assertThat(text(cloud.connections(tokens[i]).get(0).next())).isEqualTo(Integer.toString(i + 1));
            }
            assertThat(tokens).allMatch(token -> cloud.connections(token).size() == 1);
        }
    }

    private static JsonObject pipes(Vertx vertx, TestRelay relay) throws Exception {
        return WebClient.create(vertx).get(relay.node().adminPort(), "127.0.0.1", "/health/pipes").send()
                .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    }

    /** Verifies that a device added through the admin API with an endpoint gets its pipe, and revoking it ends it. */
    @Test
    void dialsForDevicesOfTheRegistry(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(stateDir, "")) {
            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);

            admin.post("/tenants/acme/devices", new JsonObject().put("id", "speaker")
                    .put("endpoint", cloud.endpoint("agent-jwt-9")));
            Await.until(vertx, () -> cloud.connections("agent-jwt-9").size() == 1);
            Connection pipe = cloud.connections("agent-jwt-9").get(0);
            assertThat(pipe.next().at("/result/protocolVersion").asText()).isEqualTo("2024-11-05");
            admin.post("/tenants/acme/devices/speaker/revoke", null);

            pipe.closed().await(10, TimeUnit.SECONDS);
            Await.until(vertx, () -> admin.get("/pipes").bodyAsJsonObject().getJsonArray("items").isEmpty());
        }
    }
}
