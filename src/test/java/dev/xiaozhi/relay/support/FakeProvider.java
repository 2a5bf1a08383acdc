package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.ToolResults;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tool provider as an {@code mcp_pipe}-style bridge is one: dials in on {@code /tools} and serves one tool,
 * {@code lights}, answering every call with {@code lights: on}.
 */
public final class FakeProvider {

    private FakeProvider() {
    }

    /** Dials in at {@code path} ({@code /tools?token=…}); every message the relay sends is added to {@code seen}. */
    public static WebSocket connect(WebSocketClient client, int port, String path, List<JsonNode> seen)
            throws Exception {
        ClientWebSocket socket = client.webSocket();
        socket.textMessageHandler(text -> {
            try {
                JsonNode message = Json.parse(text);
                seen.add(message);
                String id = message.has("id") ? message.get("id").toString() : null;
                switch (message.path("method").asText()) {
                    case "initialize" -> socket.writeTextMessage(JsonRpc.response(id, "{\"protocolVersion\":"
                            + "\"2024-11-05\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"bridge\","
                            + "\"version\":\"1\"}}"));
                    case "tools/list" -> socket.writeTextMessage(JsonRpc.response(id, "{\"tools\":[{\"name\":"
                            + "\"lights\",\"description\":\"Switches the lights\","
                            + "\"inputSchema\":{\"type\":\"object\"}}]}"));
                    case "tools/call" -> socket.writeTextMessage(JsonRpc.response(id, ToolResults.text("lights: on")));
                    default -> { }
                }
            } catch (Exception e) {
                socket.close();
            }
        });
        socket.connect(port, "127.0.0.1", path).await(10, TimeUnit.SECONDS);
        return socket;
    }
}
