package dev.xiaozhi.relay.upstream;

import static dev.xiaozhi.relay.support.Requests.request;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.SdkPeer;
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
 * Verifies targets built with the official MCP Java SDK, over stdio and over Streamable HTTP: calls, progress, and a
 * tool list that grows.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class SdkServerIT {

    /** Verifies progress and list_changed of an SDK server run as a stdio child process. */
    @Test
    void forwardsProgressAndListChangesOfAStdioSdkServer(Vertx vertx, @TempDir Path stateDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String target = "{type: stdio, command: %s, args: [-cp, %s, %s]}".formatted(java,
                Json.quote(System.getProperty("java.class.path")), SdkPeer.class.getName());
        converse(vertx, stateDir, target);
    }

    /** Verifies progress and list_changed of an SDK server over Streamable HTTP. */
    @Test
    void forwardsProgressAndListChangesOfAnHttpSdkServer(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (SdkPeer peer = SdkPeer.startHttp()) {
            converse(vertx, stateDir, "{type: http, url: \"%s\"}".formatted(peer.url()));
        }
    }

    /**
     * A call's progress reaches the device under its own token before the result (other notifications, such as the
     * relay's own list_changed, may come in between), and the server's {@code tools/list_changed} reaches the catalog,
     * as do its prompts' and resources', whose new entries are then got and read.
     */
    private static void converse(Vertx vertx, Path stateDir, String target) throws Exception {
        String yaml = TestRelay.withTargets(stateDir, """
                sdk: %s
                """.formatted(target));
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            // a stdio peer is a JVM of its own, slow to start on a loaded machine
            Await.until(vertx, 60_000, () -> device.exchange(Requests.listTools("1")).at("/result/tools")
                    .size() == 1);

            device.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"sdk___add\","
                    + "\"arguments\":{\"a\":2,\"b\":3},\"_meta\":{\"progressToken\":\"mine\"}}}");
            List<JsonNode> before = new ArrayList<>();
            JsonNode result = device.nextJson();
            while (!result.has("id")) {
                before.add(result);
                result = device.nextJson();
            }
            JsonNode progress = before.stream()
                    .filter(m -> "notifications/progress".equals(m.path("method").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("no progress before the result: " + before));

            assertThat(progress.at("/params/progressToken").asText()).isEqualTo("mine");
            assertThat(progress.at("/params/message").asText()).isEqualTo("halfway");
            assertThat(text(result)).isEqualTo("5.0");
            Await.until(vertx, () -> device.exchange(Requests.listTools("3")).at("/result/tools").size() == 2);
            assertThat(text(device.exchange(Requests.call(4, "sdk___multiply", "{\"a\":6,\"b\":7}"))))
                    .isEqualTo("42.0");
            Await.until(vertx, () -> device.exchange(request("5", "prompts/list", null)).at("/result/prompts")
                    .size() == 2 && device.exchange(request("6", "resources/list", null)).at("/result/resources")
                    .size() == 2);
            assertThat(device.exchange(request("7", "prompts/get", "{\"name\":\"sdk___farewell\"}"))
                    .at("/result/messages/0/content/text").asText()).isEqualTo("farewell from the peer");
            JsonNode read = device.exchange(request("8", "resources/read",
                    "{\"uri\":\"relay://sdk/peer://uptime\"}"));
            assertThat(read.at("/result/contents/0/uri").asText()).isEqualTo("relay://sdk/peer://uptime");
            assertThat(read.at("/result/contents/0/text").asText()).isEqualTo("fine");
        }
    }
}
