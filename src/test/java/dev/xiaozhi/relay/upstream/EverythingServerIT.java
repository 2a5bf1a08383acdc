package dev.xiaozhi.relay.upstream;

import static dev.xiaozhi.relay.support.Requests.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.NodePeers;
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
 * Streamable HTTP target and a legacy HTTP+SSE target at once.
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
            String yaml = """
                    node: {stateDir: %s}
                    server: {host: 127.0.0.1, port: 0, instances: 1}
                    admin: {port: 0}
                    targets:
                      local: {type: stdio, command: node, args: ["%s", stdio]}
                      remote: {type: http, url: "http://127.0.0.1:%d/mcp"}
                      legacy: {type: http, transport: sse, url: "http://127.0.0.1:%d/sse"}
                    tenants:
                      acme: {devices: {kitchen: {tokenHash: "%s"}}}
                    """.formatted(stateDir, script, port, ssePort, TokenHash.ofPlain(TestRelay.TOKEN));
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
