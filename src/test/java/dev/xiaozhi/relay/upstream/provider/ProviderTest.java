package dev.xiaozhi.relay.upstream.provider;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeProvider;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies tool providers that dial in on /tools: their tools for devices, disconnects, reconnects, tokens. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class ProviderTest {

    private static final String PROVIDER_TOKEN = "xzr_provider-secret";

    /**
     * Verifies that a provider's tools are served to devices with the provider's answers, that calls fail fast while
     * it is gone, that its tools come back when it reconnects, that a newer connection replaces an older one, and
     * that device and provider tokens never open each other's door.
     */
    @Test
    void servesProviderToolsAcrossDisconnects(Vertx vertx, @TempDir Path stateDir) throws Exception {
        String yaml = TestRelay.withTargets(stateDir, """
                home: {type: provider, token: "%s"}
                """.formatted(PROVIDER_TOKEN));
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            WebSocketClient client = vertx.createWebSocketClient();
            String providerPath = "/tools?token=" + PROVIDER_TOKEN;
            List<JsonNode> seen = new CopyOnWriteArrayList<>();
            WebSocket provider = FakeProvider.connect(client, relay.port(), providerPath, seen);
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2024-11-05");
            Await.until(vertx, () -> device.exchange(Requests.listTools("1")).at("/result/tools").size() == 1);

            assertThat(text(device.exchange(call(0, "home___lights", "{\"on\":true}")))).isEqualTo("lights: on");
            assertThat(seen).filteredOn(m -> "tools/call".equals(m.path("method").asText())).singleElement()
                    .satisfies(m -> assertThat(m.get("id").isIntegralNumber()).isTrue());

            provider.close().await(10, TimeUnit.SECONDS);
            Await.until(vertx, () -> device.exchange(call(2, "home___lights", "{}")).at("/result/isError")
                    .asBoolean());
            long started = System.nanoTime();
            JsonNode refused = device.exchange(call(3, "home___lights", "{}"));
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1_000);
            assertThat(text(refused)).contains("home has no provider connected");
            assertThat(device.exchange(Requests.listTools("4")).at("/result/tools")).hasSize(1);

            WebSocket second = FakeProvider.connect(client, relay.port(), providerPath, seen);
            Await.until(vertx, () -> text(device.exchange(call(5, "home___lights", "{}"))).equals("lights: on"));
            Promise<Short> replacedCode = Promise.promise();
            second.closeHandler(v -> replacedCode.tryComplete(second.closeStatusCode()));
            FakeProvider.connect(client, relay.port(), providerPath, seen);
            assertThat(replacedCode.future().await(10, TimeUnit.SECONDS)).isEqualTo((short) 4000);

            assertThatThrownBy(() -> client.connect(relay.port(), "127.0.0.1", "/tools?token=" + TestRelay.TOKEN)
                    .await(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(UpgradeRejectedException.class,
                            e -> assertThat(e.getStatus()).isEqualTo(401));
            assertThatThrownBy(() -> TestSocket.connect(vertx, relay.url(PROVIDER_TOKEN)))
                    .isInstanceOf(UpgradeRejectedException.class);
        }
    }

    /**
     * Verifies that a provider token rotated through the admin API (authenticated with the node's local admin
     * token) works at once, the old one only within the grace, and that the rotation survives a restart.
     */
    @Test
    void rotatesProviderTokens(Vertx vertx, @TempDir Path stateDir) throws Exception {
        String yaml = """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                  home: {type: provider, token: "%s"}
                """.formatted(stateDir, PROVIDER_TOKEN);
        String fresh;
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            AdminClient admin = new AdminClient(vertx, relay.adminPort(),
                    Files.readString(stateDir.resolve("admin.token")).trim());
            WebSocketClient client = vertx.createWebSocketClient();

            JsonObject rotated = admin.post("/providers/home/rotate", new JsonObject().put("graceSeconds", 1))
                    .bodyAsJsonObject();
            fresh = rotated.getString("token");

            assertThat(fresh).startsWith("xzr_").isNotEqualTo(PROVIDER_TOKEN);
            assertThat(admin.get("/providers").bodyAsJsonObject().encode()).contains("\"target\":\"home\"")
                    .contains("previousTokenValidUntil").doesNotContain(fresh).doesNotContain("sha256");
            FakeProvider.connect(client, relay.port(), "/tools?token=" + fresh, new CopyOnWriteArrayList<>());
            FakeProvider.connect(client, relay.port(), "/tools?token=" + PROVIDER_TOKEN, new CopyOnWriteArrayList<>());
            vertx.timer(1200, TimeUnit.MILLISECONDS).await();
            assertThatThrownBy(() -> client.connect(relay.port(), "127.0.0.1", "/tools?token=" + PROVIDER_TOKEN)
                    .await(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(UpgradeRejectedException.class,
                            e -> assertThat(e.getStatus()).isEqualTo(401));
            assertThat(admin.post("/providers/nobody/rotate", null).statusCode()).isEqualTo(404);
        }
        try (TestRelay restarted = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            FakeProvider.connect(vertx.createWebSocketClient(), restarted.port(), "/tools?token=" + fresh,
                    new CopyOnWriteArrayList<>());
        }
    }

    /**
     * Dials in as a provider that offers one tool, {@code lights}, with its handlers set before it connects;
     * records what the relay sends.
     */
}
