package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.ToolResults;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Streamable HTTP MCP server for attack tests, on a real port: it initializes like any server, but the test says
 * how it answers each method (an endless cursor, a huge error body, …) and what its GET event stream sends. Unless
 * told otherwise it lists one tool, {@code fair}, which answers {@code fair ok}, and refuses the GET stream with 405.
 */
public final class HostileMcpServer implements AutoCloseable {

    /** How the server answers one JSON-RPC request. */
    @FunctionalInterface
    public interface Answer {

        /** Answers {@code message}, whose raw id is {@code id}, on {@code request}. */
        void answer(HttpServerRequest request, String id, JsonNode message);
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private volatile Handler<HttpServerRequest> stream = request -> request.response().setStatusCode(405).end();

    private HostileMcpServer(Vertx vertx) throws Exception {
        answers.put("initialize", (request, id, message) -> json(request, JsonRpc.response(id,
                "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                        + "\"serverInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}")));
        answers.put("tools/list", (request, id, message) -> json(request, JsonRpc.response(id,
                "{\"tools\":[" + tool("fair") + "]}")));
        answers.put("tools/call", (request, id, message) -> json(request, JsonRpc.response(id,
                ToolResults.text("fair ok"))));
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    /** Starts a server that behaves until told otherwise. */
    public static HostileMcpServer start(Vertx vertx) throws Exception {
        return new HostileMcpServer(vertx);
    }

    /** Answers {@code method} this way from now on. */
    public HostileMcpServer on(String method, Answer answer) {
        answers.put(method, answer);
        return this;
    }

    /** Serves the GET event stream this way from now on. */
    public HostileMcpServer onStream(Handler<HttpServerRequest> handler) {
        stream = handler;
        return this;
    }

    /** The MCP endpoint. */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/mcp";
    }

    /** How many requests of a method arrived. */
    public int requests(String method) {
        AtomicInteger count = requests.get(method);
        return count == null ? 0 : count.get();
    }

    /** Ends a request with a JSON body. */
    public static void json(HttpServerRequest request, String body) {
        request.response().putHeader("Content-Type", "application/json").end(body);
    }

    /**
     * Writes {@code chunk} again and again, each time the peer has taken the last, until {@code limit} bytes are
     * written (then ends the response) or the peer closes the connection; {@code written} counts what was written.
     */
    public static void flood(HttpServerResponse response, Buffer chunk, long limit, AtomicLong written) {
        while (!response.writeQueueFull()) {
            if (response.closed()) {
                return;
            }
            if (written.get() >= limit) {
                response.end();
                return;
            }
            response.write(chunk).onFailure(e -> { });
            written.addAndGet(chunk.length());
        }
        response.drainHandler(v -> flood(response, chunk, limit, written));
    }

    /** A tool's JSON with an empty object schema. */
    public static String tool(String name) {
        return "{\"name\":\"" + name + "\",\"description\":\"" + name + "\",\"inputSchema\":{\"type\":\"object\"}}";
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET) {
            request.body().onSuccess(empty -> stream.handle(request));
            return;
        }
        request.body().onSuccess(body -> {
            JsonNode message;
            try {
                message = Json.parse(body.toString(StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                request.response().setStatusCode(400).end("not JSON");
                return;
            }
            String method = message.path("method").asText();
            requests.computeIfAbsent(method, name -> new AtomicInteger()).incrementAndGet();
            request.response().putHeader("Mcp-Session-Id", "hostile");
            Answer answer = answers.get(method);
            if (!message.has("id")) {
                request.response().setStatusCode(202).end();
            } else if (answer == null) {
                json(request, JsonRpc.error(message.get("id").toString(), JsonRpc.METHOD_NOT_FOUND, "no " + method));
            } else {
                answer.answer(request, message.get("id").toString(), message);
            }
        });
    }
}
