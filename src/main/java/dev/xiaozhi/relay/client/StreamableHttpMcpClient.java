package dev.xiaozhi.relay.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * A minimal MCP client over Streamable HTTP: one POST per message, the reply read from an {@code application/json}
 * body or from the end of a {@code text/event-stream}; the {@code Mcp-Session-Id} of {@code initialize}'s answer is
 * sent on every later request and the session deleted on close. An HTTP refusal comes back as the JSON-RPC error
 * of its body, or one naming its status. Used by the {@code probe} command.
 */
final class StreamableHttpMcpClient implements McpClient {

    private static final String SESSION_ID = "Mcp-Session-Id";
    private static final int HTTP_ERROR = -32000;

    private final HttpClient client;
    private final String url;
    private String session;
    private long nextId;

    StreamableHttpMcpClient(Vertx vertx, String url, boolean trustAll) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setTrustAll(trustAll).setVerifyHost(!trustAll));
        this.url = url;
    }

    @Override
    public Future<JsonNode> request(String method, String paramsJson) {
        String id = Long.toString(nextId++);
        return post(JsonRpc.request(id, method, paramsJson)).compose(response -> response.body().map(body -> {
            if (response.getHeader(SESSION_ID) != null) {
                session = response.getHeader(SESSION_ID);
            }
            return reply(response, body, id);
        }));
    }

    @Override
    public Future<Void> notify(String method, String paramsJson) {
        return post(JsonRpc.notification(method, paramsJson)).compose(HttpClientResponse::body).mapEmpty();
    }

    @Override
    public Future<Void> close() {
        Future<Void> deleted = session == null ? Future.succeededFuture()
                : client.request(options(HttpMethod.DELETE)).compose(request -> request.send())
                        .compose(HttpClientResponse::body).mapEmpty();
        return deleted.eventually(client::close);
    }

    private Future<HttpClientResponse> post(String message) {
        return client.request(options(HttpMethod.POST)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, "application/json, text/event-stream"))
                .compose(request -> request.send(message));
    }

    private RequestOptions options(HttpMethod method) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url);
        if (session != null) {
            options.putHeader(SESSION_ID, session);
        }
        return options;
    }

    private static JsonNode reply(HttpClientResponse response, Buffer body, String id) {
        String text = body.toString();
        String contentType = String.valueOf(response.getHeader(HttpHeaders.CONTENT_TYPE));
        JsonNode found = contentType.startsWith("text/event-stream") ? lastReply(text, id) : parse(text);
        if (found != null && (found.has("result") || found.has("error"))) {
            return found;
        }
        return Json.MAPPER.createObjectNode().set("error", Json.MAPPER.createObjectNode()
                .put("code", HTTP_ERROR).put("message", "HTTP " + response.statusCode()
                        + (response.statusCode() == 401 ? ": the relay refused the token" : "")));
    }

    /** The response to {@code id} among the events of a stream. */
    private static JsonNode lastReply(String stream, String id) {
        JsonNode reply = null;
        StringBuilder data = new StringBuilder();
        for (String line : (stream + "\n\n").split("\r?\n", -1)) {
            if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
            } else if (line.isEmpty() && !data.isEmpty()) {
                JsonNode message = parse(data.toString());
                if (message != null && !message.has("method") && id.equals(message.path("id").asText())) {
                    reply = message;
                }
                data.setLength(0);
            }
        }
        return reply;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
