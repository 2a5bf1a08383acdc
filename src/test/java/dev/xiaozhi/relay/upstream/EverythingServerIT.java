package dev.xiaozhi.relay.upstream;

import static dev.xiaozhi.relay.support.Requests.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.NodePeers;
import dev.xiaozhi.relay.support.Requests;
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
 * Verifies the relay against the official {@code @modelcontextprotocol/server-everything}, as a stdio target, a
 * Streamable HTTP target and a legacy HTTP+SSE target at once, and that its prompts and resources reach a WebSocket
 * device.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class EverythingServerIT {

    /** Verifies that every transport lists the server's tools under its prefix and answers calls. */
    @Test
    void servesServerEverythingOverEveryTransport(Vertx vertx, @TempDir Path stateDir) throws Exception {
        Path script = NodePeers.serverEverything();
        int[] ports = FreePorts.take(2);
        int port = ports[0];
        int ssePort = ports[1];
        Process http = NodePeers.serveEverything("streamableHttp", port);
        Process sse = NodePeers.serveEverything("sse", ssePort);
        try {
            String yaml = TestRelay.withTargets(stateDir, """
                    local: {type: stdio, command: node, args: ["%s", stdio]}
                    remote: {type: http, url: "http://127.0.0.1:%d/mcp"}
                    legacy: {type: http, transport: sse, url: "http://127.0.0.1:%d/sse"}
                    """.formatted(script, port, ssePort));
            try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
                TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
                device.initialize("2025-06-18");
                Await.until(vertx, () -> names(device).containsAll(List.of("local___get-sum", "remote___get-sum",
                        "legacy___get-sum")));

                JsonNode local = device.exchange(call(1, "local___get-sum", "{\"a\":2,\"b\":3}"));
                JsonNode remote = device.exchange(call(2, "remote___echo", "{\"message\":\"hello relay\"}"));
                JsonNode unknownArgs = device.exchange(call(3, "remote___get-sum", "{\"a\":\"x\"}"));

                assertThat(local.at("/result/content/0/text").asText()).contains("5");
                assertThat(remote.at("/result/content/0/text").asText()).contains("hello relay");
                assertThat(unknownArgs.has("result") || unknownArgs.has("error")).isTrue();
                assertThat(device.exchange(call(4, "remote___echo", "{\"message\":\"still\"}"))
                        .at("/result/content/0/text").asText()).contains("still");
                assertThat(device.exchange(call(5, "legacy___get-sum", "{\"a\":20,\"b\":22}"))
                        .at("/result/content/0/text").asText()).contains("42");
            }
        } finally {
            for (Process server : List.of(http, sse)) {
                server.destroy();
                server.waitFor();
            }
        }
    }

    /**
     * Verifies that a WebSocket device gets the server's prompts and resources through the relay, under the target's
     * names, and their contents from the server.
     * GIVEN a relay whose only target is server-everything over stdio ({@code local}); WHEN a device lists and gets a
     * prompt, and lists and reads a resource; THEN it sees {@code local___simple-prompt} and
     * {@code relay://local/…} URIs, and the server's own messages and contents.
     */
    @Test
    void servesPromptsAndResourcesToAWebSocketDevice(Vertx vertx, @TempDir Path stateDir) throws Exception {
        String yaml = TestRelay.withTargets(stateDir, """
                local: {type: stdio, command: node, args: ["%s", stdio]}
                """.formatted(NodePeers.serverEverything()));
        String document = "relay://local/demo://resource/static/document/features.md";
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            Await.until(vertx, () -> listed(device, "prompts/list", "/result/prompts", "name")
                    .contains("local___simple-prompt")
                    && listed(device, "resources/list", "/result/resources", "uri").contains(document));

            JsonNode prompt = device.exchange(Requests.request("1", "prompts/get",
                    "{\"name\":\"local___args-prompt\",\"arguments\":{\"city\":\"Paris\"}}"));
            JsonNode read = device.exchange(Requests.request("2", "resources/read", "{\"uri\":\"" + document
                    + "\"}"));

            assertThat(prompt.at("/result/messages/0/content/text").asText()).contains("Paris");
            assertThat(read.at("/result/contents/0/uri").asText()).isEqualTo(document);
            assertThat(read.at("/result/contents/0/text").asText()).contains("Everything Server");
        }
    }

    private static List<String> listed(TestSocket device, String method, String pointer, String key)
            throws Exception {
        List<String> values = new ArrayList<>();
        device.exchange(Requests.request("\"l\"", method, "{}")).at(pointer)
                .forEach(item -> values.add(item.path(key).asText()));
        return values;
    }

    private static List<String> names(TestSocket device) {
        List<String> names = new ArrayList<>();
        try {
            device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}").at("/result/tools")
                    .forEach(tool -> names.add(tool.get("name").asText()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
