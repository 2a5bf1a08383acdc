package dev.xiaozhi.relay.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** A minimal MCP client, over a WebSocket or Streamable HTTP: requests, notifications, close. */
public interface McpClient {

    /**
     * Connects to an MCP endpoint: {@code ws(s)://} over a WebSocket, {@code http(s)://} over Streamable HTTP.
     *
     * @param trustAll accept any server certificate (self-signed test set-ups)
     */
    static Future<McpClient> connect(Vertx vertx, String url, boolean trustAll) {
        if (isHttp(url)) {
            return Future.succeededFuture(new StreamableHttpMcpClient(vertx, url, trustAll));
        }
        return WebSocketMcpClient.connect(vertx, url, trustAll).map(client -> client);
    }

    /** Whether a URL names a Streamable HTTP endpoint ({@code http://} or {@code https://}). */
    static boolean isHttp(String url) {
        return url.regionMatches(true, 0, "http", 0, 4);
    }

    /** Sends a request; the future holds the whole response ({@code result} or {@code error}). */
    Future<JsonNode> request(String method, String paramsJson);

    /** Sends a notification. */
    Future<Void> notify(String method, String paramsJson);

    /** Ends the session and closes the connection. */
    Future<Void> close();
}
