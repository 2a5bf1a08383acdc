package dev.xiaozhi.relay.front.pipe;

import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeProvider;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud.Connection;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that outbound pipes follow what their device may see: a target that appears later, and policy changes,
 * reach the Xiaozhi cloud by {@code list_changed} and a re-handshake (the cloud reads the tool list only then),
 * without losing a call in flight; bursts make one re-handshake; availability flips and target moves make none.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class PipeCatalogChangeTest {

    private static final String PROVIDER_TOKEN = "xzr_provider-home";

    private static String yaml(Path stateDir, FakeXiaozhiCloud cloud, int pipes) {
        StringBuilder devices = new StringBuilder();
        for (int i = 0; i < pipes; i++) {
            devices.append("          agent").append(i).append(": {tokenHash: \"")
                    .append(TokenHash.ofPlain("xzr_device" + i)).append("\", endpoint: \"")
                    .append(cloud.endpoint("agent-" + i)).append("\"}\n");
        }
        return """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0, tokens: {ops: {tokenHash: "%s"}}}
                pipes: {connectRate: 1000, backoffBase: 100ms, backoffCap: 1s, healthyAfter: 1m}
                targets:
                  diagnostics: {type: builtin, builtin: diagnostics}
                  calculator: {type: builtin, builtin: calculator}
                  home: {type: provider, token: "%s"}
                tenants:
                  acme:
                    devices:
                %s""".formatted(stateDir, TokenHash.ofPlain(TestRelay.ADMIN_TOKEN), PROVIDER_TOKEN, devices);
    }

    /**
     * Verifies that a provider connecting after a pipe's handshake reaches the cloud: GIVEN a pipe whose cloud has
     * read its tools and is waiting for a slow call, WHEN the provider dials in, THEN the cloud gets
     * {@code list_changed}, a new socket whose tool list has the provider's tool within 5 s, and the slow call's
     * answer on the old socket, which closes only after that answer.
     */
    @Test
    void bringsALateProviderToTheCloudWithoutLosingACall(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud, 1), stateDir,
                        Map.of()))) {
            Await.until(vertx, () -> cloud.connections("agent-0").size() == 1);
            Connection first = cloud.connections("agent-0").get(0);
            first.next();
            assertThat(names(first.next())).contains("diagnostics___sleep").doesNotContain("home___lights");
            first.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"diagnostics___sleep\",\"arguments\":{\"ms\":1500}}}");

            long connectedAt = System.nanoTime();
            FakeProvider.connect(vertx.createWebSocketClient(), relay.port(), "/tools?token=" + PROVIDER_TOKEN,
                    new CopyOnWriteArrayList<>());

            assertThat(first.next().path("method").asText()).isEqualTo("notifications/tools/list_changed");
            Await.until(vertx, () -> cloud.connections("agent-0").size() == 2);
            Connection second = cloud.connections("agent-0").get(1);
            second.next();
            assertThat(names(second.next())).contains("home___lights", "diagnostics___sleep");
            assertThat((System.nanoTime() - connectedAt) / 1_000_000).isLessThan(5_000);
            JsonNode slow = first.next();
            assertThat(slow.path("id").asInt()).isEqualTo(2);
            assertThat(slow.at("/result/isError").asBoolean()).isFalse();
            first.closed().await(10, TimeUnit.SECONDS);
            assertThat(first.closedNanos()).isGreaterThan(second.openedNanos());
            second.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"home___lights\",\"arguments\":{}}}");
            assertThat(text(second.next())).isEqualTo("lights: on");
        }
    }

    /**
     * Verifies that policy changes reach a pipe session, and that ten of them within a second make one re-handshake
     * whose tool list is the last policy's.
     */
    @Test
    void foldsABurstOfPolicyChangesIntoOneRehandshake(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud, 1), stateDir,
                        Map.of()))) {
            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
            Await.until(vertx, () -> cloud.connections("agent-0").size() == 1);
            Connection first = cloud.connections("agent-0").get(0);
            first.next();
            assertThat(names(first.next())).contains("calculator___evaluate", "diagnostics___echo");

            long started = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                admin.send(HttpMethod.PATCH, "/tenants/acme/devices/agent0", new JsonObject().put("policy",
                        new JsonObject().put("allowTargets", new JsonArray().add(i % 2 == 0 ? "diagnostics"
                                : "calculator"))));
            }
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1_000);

            Await.until(vertx, () -> cloud.connections("agent-0").size() == 2);
            Connection second = cloud.connections("agent-0").get(1);
            second.next();
            assertThat(names(second.next())).containsExactly("calculator___evaluate");
            vertx.timer(RehandshakeTimer.MAX_WAIT_MS + 1_000, TimeUnit.MILLISECONDS).await();
            assertThat(cloud.connections("agent-0")).hasSize(2);
        }
    }

    /** Verifies that pipe sessions are listed, counted, and end without a redial when their device is revoked. */
    @Test
    void accountsForPipeSessions(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud, 2), stateDir,
                        Map.of()))) {
            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
            Await.until(vertx, () -> cloud.connections("agent-0").size() == 1
                    && cloud.connections("agent-1").size() == 1);

            Await.until(vertx, () -> admin.get("/sessions").bodyAsJsonObject().getJsonArray("items").size() == 2);
            JsonObject session = admin.get("/sessions").bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
            assertThat(session.getString("front")).isEqualTo("pipe");
            assertThat(relay.node().metrics().openSessions()).isEqualTo(2);

            admin.post("/tenants/acme/devices/agent1/revoke", null);
            cloud.connections("agent-1").get(0).closed().await(10, TimeUnit.SECONDS);
            Await.until(vertx, () -> admin.get("/sessions").bodyAsJsonObject().getJsonArray("items").size() == 1);
            assertThat(relay.node().metrics().openSessions()).isEqualTo(1);
            vertx.timer(1_500, TimeUnit.MILLISECONDS).await();
            assertThat(cloud.connections("agent-1")).hasSize(1);
        }
    }

    /**
     * Verifies that on a node with 1,000 pipes neither a flapping target (a provider that drops and comes back, its
     * tools kept and marked meanwhile) nor a target that moves to another node (as a {@code placement: single}
     * target does on a drain: withdrawn by its old owner, then published by its new one — or, the other way round,
     * published by the new owner before the old one withdraws) makes any pipe re-handshake, while a new target makes
     * each re-handshake once.
     */
    @Test
    void keepsAThousandPipesThroughFlapsAndMoves(Vertx vertx, @TempDir Path stateDir) throws Exception {
        int pipes = 1000;
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, cloud, pipes), stateDir,
                        Map.of()))) {
            WebSocket provider = FakeProvider.connect(vertx.createWebSocketClient(), relay.port(),
                    "/tools?token=" + PROVIDER_TOKEN, new CopyOnWriteArrayList<>());
            TestSocket device = TestSocket.connect(vertx, relay.url("xzr_device0"));
            device.initialize("2024-11-05");
            Await.until(vertx, 60_000, () -> allServed(cloud, pipes, "home___lights"));
            int[] started = connectionCounts(cloud, pipes);

            for (int flap = 0; flap < 3; flap++) {
                provider.close().await(10, TimeUnit.SECONDS);
                Await.until(vertx, () -> markedUnavailable(device, "home___lights"));
                provider = FakeProvider.connect(vertx.createWebSocketClient(), relay.port(),
                        "/tools?token=" + PROVIDER_TOKEN, new CopyOnWriteArrayList<>());
                Await.until(vertx, () -> !markedUnavailable(device, "home___lights"));
            }
            vertx.timer(RehandshakeTimer.MAX_WAIT_MS + 1_000, TimeUnit.MILLISECONDS).await();
            int[] flapped = connectionCounts(cloud, pipes);
            JsonNode movingTools = Json.parse("[{\"name\":\"evaluate\",\"description\":\"x\","
                    + "\"inputSchema\":{\"type\":\"object\"}}]");
            publish(relay, moving(movingTools, "node-a"));
            Await.until(vertx, 60_000, () -> allServed(cloud, pipes, "moving___evaluate"));
            int[] added = connectionCounts(cloud, pipes);
            publish(relay, moving(Json.MAPPER.createArrayNode(), "node-a"));
            vertx.timer(1_000, TimeUnit.MILLISECONDS).await();
            publish(relay, moving(movingTools, "node-b"));
            publish(relay, moving(movingTools, "node-c"));
            publish(relay, moving(Json.MAPPER.createArrayNode(), "node-b"));
            vertx.timer(300, TimeUnit.MILLISECONDS).await();
            assertThat(markedUnavailable(device, "moving___evaluate")).isFalse();
            vertx.timer(RehandshakeTimer.MAX_WAIT_MS + 1_000, TimeUnit.MILLISECONDS).await();
            int[] moved = connectionCounts(cloud, pipes);

            assertThat(flapped).isEqualTo(started);
            for (int i = 0; i < pipes; i++) {
                assertThat(added[i]).as("connections of pipe %d", i).isEqualTo(flapped[i] + 1);
            }
            assertThat(moved).isEqualTo(added);
        }
    }

    private static CatalogUpdate moving(JsonNode tools, String instance) {
        return new CatalogUpdate("moving", PrefixMode.ALWAYS, 5_000, tools, true, instance);
    }

    private static void publish(TestRelay relay, CatalogUpdate update) {
        relay.node().vertx().eventBus().publish(EventBusAddresses.CATALOG_CHANGED, update);
    }

    private static boolean markedUnavailable(TestSocket device, String name) throws Exception {
        for (JsonNode tool : device.exchange(Requests.listTools("1")).at("/result/tools")) {
            if (name.equals(tool.path("name").asText())) {
                return tool.path("_meta").has("dev.xiaozhi.relay/unavailable");
            }
        }
        return false;
    }

    /** Whether every pipe's latest socket is open and was handshaken with a catalog that has {@code tool}. */
    private static boolean allServed(FakeXiaozhiCloud cloud, int pipes, String tool) {
        for (int i = 0; i < pipes; i++) {
            List<Connection> connections = cloud.connections("agent-" + i);
            Connection latest = connections.isEmpty() ? null : connections.get(connections.size() - 1);
            if (latest == null || latest.closedNanos() != 0 || latest.servedTools()
                    .filter(tools -> tools.toString().contains("\"" + tool + "\"")).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static int[] connectionCounts(FakeXiaozhiCloud cloud, int pipes) {
        int[] counts = new int[pipes];
        for (int i = 0; i < pipes; i++) {
            counts[i] = cloud.connections("agent-" + i).size();
        }
        return counts;
    }

    private static List<String> names(JsonNode toolsList) {
        return StreamSupport.stream(toolsList.at("/result/tools").spliterator(), false)
                .map(tool -> tool.path("name").asText()).toList();
    }
}
