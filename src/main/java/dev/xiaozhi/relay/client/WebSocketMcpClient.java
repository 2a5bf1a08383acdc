package dev.xiaozhi.relay.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal MCP client over one WebSocket: sends requests with increasing integer ids and completes each with the
 * whole JSON-RPC response. Used by the {@code probe} command. Not thread-safe: use it from one context.
 */
public final class WebSocketMcpClient implements McpClient {

    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /** Held: an unreachable client is cleaned up and closes its sockets. */
    private final WebSocketClient client;
    private final WebSocket socket;
    private final Map<Long, Promise<JsonNode>> pending = new HashMap<>();
    private long nextId;

    private WebSocketMcpClient(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(this::onMessage);
        socket.closeHandler(v -> {
            pending.values().forEach(p -> p.tryFail("connection closed (code " + socket.closeStatusCode() + ")"));
            pending.clear();
        });
    }

    /**
     * Connects to an MCP WebSocket endpoint ({@code ws://} or {@code wss://}).
     *
     * @param trustAll accept any server certificate (self-signed test set-ups)
     */
    public static Future<WebSocketMcpClient> connect(Vertx vertx, String url, boolean trustAll) {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(MAX_MESSAGE_BYTES).setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setTrustAll(trustAll).setVerifyHost(!trustAll));
        return client.connect(new WebSocketConnectOptions().setAbsoluteURI(url))
                .map(socket -> new WebSocketMcpClient(client, socket));
    }

    @Override
    public Future<JsonNode> request(String method, String paramsJson) {
        long id = nextId++;
        Promise<JsonNode> response = Promise.promise();
        pending.put(id, response);
        socket.writeTextMessage(JsonRpc.request(Long.toString(id), method, paramsJson))
                .onFailure(e -> {
                    pending.remove(id);
                    response.tryFail(e);
                });
        return response.future();
    }

    @Override
    public Future<Void> notify(String method, String paramsJson) {
        return socket.writeTextMessage(JsonRpc.notification(method, paramsJson));
    }

    @Override
    public Future<Void> close() {
        return socket.close().eventually(client::close);
    }

    private void onMessage(String text) {
        try {
            JsonNode message = Json.parse(text);
            JsonNode id = message.get("id");
            if (id != null && id.canConvertToLong() && !message.has("method")) {
                Promise<JsonNode> response = pending.remove(id.asLong());
                if (response != null) {
                    response.complete(message);
                }
            } else if (message.has("method") && id != null) {
                socket.writeTextMessage(JsonRpc.error(id.toString(), JsonRpc.METHOD_NOT_FOUND, "not supported"));
            }
        } catch (JsonProcessingException e) {
            socket.close((short) 1007, "invalid JSON");
        }
    }
}
