package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.ToolResults;
import dev.xiaozhi.relay.protocol.Utf8;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileMcpServer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #14: a target's 200 KB progress notification was forwarded whole past the 8 KB cap that cuts the result of
 * the same call.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class OversizedProgressAttackTest {

    private static final int CAP = 8 * 1024;
    private static final String HUGE = "P".repeat(200 * 1024);

    @TempDir
    Path stateDir;

    /**
     * Verifies that progress is held to the result cap.
     * GIVEN an http target whose tools/call streams three progress notifications (a 200 KB message, 200 KB in another
     * field, a small one) and then a 200 KB result, behind {@code server.maxResultBytes: 8KiB}
     * WHEN a device calls the tool asking for progress
     * THEN the first arrives cut to the cap with a marker, the second with only its token and progress, the third
     * whole, the result is cut to the cap, the cut is logged once, and the next call works.
     */
    @Test
    void capsProgressLikeResults(Vertx vertx) throws Exception {
        HostileMcpServer server = HostileMcpServer.start(vertx).on("tools/call", (request, id, message) -> {
            if ("fair".equals(message.at("/params/name").asText())) {
                HostileMcpServer.json(request, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":"
                        + ToolResults.text("fair ok") + "}");
                return;
            }
            String token = message.at("/params/_meta/progressToken").toString();
            request.response().putHeader("Content-Type", "text/event-stream")
                    .end(event("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                            + "{\"progressToken\":" + token + ",\"progress\":1,\"total\":3,\"message\":"
                            + Json.quote(HUGE) + "}}")
                            + event("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                            + "{\"progressToken\":" + token + ",\"progress\":2,\"_meta\":{\"x\":"
                            + Json.quote(HUGE) + "}}}")
                            + event("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                            + "{\"progressToken\":" + token + ",\"progress\":3,\"message\":\"almost\"}}")
                            + event("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + ToolResults.text(HUGE)
                            + "}"));
        }).on("tools/list", (request, id, message) -> HostileMcpServer.json(request, "{\"jsonrpc\":\"2.0\",\"id\":"
                + id + ",\"result\":{\"tools\":[" + HostileMcpServer.tool("fair") + ","
                + HostileMcpServer.tool("chatty") + "]}}"));
        try (LogCapture logs = LogCapture.start(); TestRelay relay = TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1, maxResultBytes: 8KiB}
                admin: {port: 0}
                targets:
                  loud: {type: http, url: "%s", maxResponseBytes: 2MiB, timeout: 10s}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}}}
                """.formatted(stateDir, server.url(), TokenHash.ofPlain(TestRelay.TOKEN)), stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            Await.until(vertx, () -> device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}")
                    .at("/result/tools").size() == 2);

            device.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"loud___chatty\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p-1\"}}}");
            JsonNode first = device.nextJson();
            JsonNode second = device.nextJson();
            JsonNode third = device.nextJson();
            JsonNode result = device.nextJson();

            assertThat(first.at("/params/progress").asInt()).isEqualTo(1);
            assertThat(first.at("/params/progressToken").asText()).isEqualTo("p-1");
            assertThat(first.at("/params/total").asInt()).isEqualTo(3);
            assertThat(first.at("/params/message").asText()).startsWith("PPPP")
                    .contains("[truncated by the relay: ").endsWith(" of " + HUGE.length() + " bytes shown]");
            assertThat(Utf8.length(first.toString())).isLessThanOrEqualTo(CAP);
            assertThat(second.get("params")).hasToString("{\"progressToken\":\"p-1\",\"progress\":2}");
            assertThat(third.at("/params/progress").asInt()).isEqualTo(3);
            assertThat(third.at("/params/message").asText()).isEqualTo("almost");
            assertThat(result.get("id").asInt()).isEqualTo(1);
            assertThat(Utf8.length(result.toString())).isLessThanOrEqualTo(CAP);
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("progress over the result cap")).hasSize(1);
            assertThat(text(device.exchange(call(2, "loud___fair", "{}")))).isEqualTo("fair ok");
        } finally {
            server.close();
        }
    }

    private static String event(String data) {
        return "event: message\ndata: " + data + "\n\n";
    }
}
