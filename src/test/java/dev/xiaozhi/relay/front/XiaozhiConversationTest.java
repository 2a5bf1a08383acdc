package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.routing.ToolNames;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that the relay holds the exact conversation the Xiaozhi cloud runs against an MCP endpoint. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class XiaozhiConversationTest {

    private static TestRelay relay;

    @BeforeAll
    static void startRelay(@TempDir Path stateDir) throws Exception {
        relay = TestRelay.start(stateDir, "");
    }

    @AfterAll
    static void stopRelay() throws Exception {
        relay.close();
    }

    /**
     * Verifies that initialize with id 0, initialized and tools/list back to back, JSON-RPC ping and a tools/call
     * with the cloud's extra keys are answered frame by frame as the cloud expects.
     */
    @Test
    void answersTheCloudConversationFrameByFrame(Vertx vertx) throws Exception {
        // GIVEN a device connected with its token in the query
        TestSocket cloud = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));

        // WHEN the cloud sends its initialize with id 0
        JsonNode init = cloud.exchange("{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{\"sampling\":{},\"roots\":"
                + "{\"listChanged\":false}},\"clientInfo\":{\"name\":\"xz-mcp-broker\",\"version\":\"0.0.1\"}}}");

        // THEN the answer carries id 0 as a number, 2024-11-05 and the tools capability
        assertThat(init.get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(init.get("id").isIntegralNumber()).isTrue();
        assertThat(init.get("id").asInt()).isZero();
        assertThat(init.at("/result/protocolVersion").asText()).isEqualTo("2024-11-05");
        assertThat(init.at("/result/capabilities/tools").isObject()).isTrue();
        assertThat(init.at("/result/serverInfo/name").asText()).isEqualTo("xiaozhi-relay");

        // WHEN initialized and tools/list arrive back to back
        cloud.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        cloud.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}");
        String listText = cloud.nextText();
        JsonNode pong = cloud.exchange("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");

        // THEN the whole catalog comes in one page, lean and legal, and the ping gets an empty result
        JsonNode tools = Json.parse(listText).at("/result/tools");
        List<String> names = new ArrayList<>();
        tools.forEach(tool -> {
            names.add(tool.get("name").asText());
            assertThat(tool.get("description").asText()).isNotBlank();
            assertThat(tool.get("inputSchema").get("type").asText()).isEqualTo("object");
        });
        assertThat(names).containsExactly("calculator___evaluate", "diagnostics___echo", "diagnostics___sleep")
                .allMatch(name -> ToolNames.LEGAL.matcher(name).matches());
        assertThat(listText).doesNotContain("nextCursor");
        assertThat(listText.getBytes(StandardCharsets.UTF_8).length).isLessThan(8192);
        assertThat(pong.toString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");

        // WHEN the cloud calls a tool with clientId, serialNumber and _meta next to name and arguments
        JsonNode call = cloud.exchange("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"calculator___evaluate\",\"arguments\":{\"expression\":\"(1 + 2) * 7 / 3\"},"
                + "\"clientId\":\"c-1\",\"serialNumber\":null,\"_meta\":{\"clientId\":null,\"serialNumber\":null,"
                + "\"agentId\":null}}}");

        // THEN the result comes back under the cloud's id, as text and structured content
        assertThat(call.get("id").asInt()).isEqualTo(3);
        assertThat(call.at("/result/content/0/type").asText()).isEqualTo("text");
        assertThat(call.at("/result/content/0/text").asText()).isEqualTo("7");
        assertThat(call.at("/result/structuredContent/result").asInt()).isEqualTo(7);
        assertThat(call.at("/result/isError").asBoolean(false)).isFalse();
        assertThat(cloud.nothingPending()).isTrue();
    }
}
