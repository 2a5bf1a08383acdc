package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.ToolResults;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Streamable HTTP MCP server for tests, on a real port: sessions, JSON and event-stream answers, optional SigV4
 * verification (403 when the signature is wrong), and tools that misbehave on purpose: {@code fail} (HTTP 500),
 * {@code slow} (answers after 10 s), {@code drop} (closes the connection), {@code stream} (progress, then the result;
 * with arguments {@code events} and {@code padding}, that many progress notifications, each with a message of that
 * many characters).
 */
public final class TestMcpHttpServer implements AutoCloseable {

    private static final String TOOLS = "{\"tools\":[" + tool("whoami") + "," + tool("fail") + "," + tool("slow") + ","
            + tool("drop") + "," + tool("stream") + "]}";

    private final HttpServer server;
    private final SigV4Verifier verifier;
    private final AtomicInteger initializes = new AtomicInteger();
    private final AtomicInteger sessionGeneration = new AtomicInteger();

    private TestMcpHttpServer(Vertx vertx, SigV4Verifier verifier) throws Exception {
        this.verifier = verifier;
        this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    /** Starts a server; {@code verifier} may be null for no signature check. */
    public static TestMcpHttpServer start(Vertx vertx, SigV4Verifier verifier) throws Exception {
        return new TestMcpHttpServer(vertx, verifier);
    }

    /** The MCP endpoint. */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/mcp";
    }

    /** How many initialize requests arrived. */
    public int initializes() {
        return initializes.get();
    }

    /** Forgets every session: requests carrying an old session id get 404. */
    public void expireSessions() {
        sessionGeneration.incrementAndGet();
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            byte[] bytes = body.getBytes();
            if (verifier != null && !verifier.verify(request.method().name(), request.path(),
                    request.query() == null ? "" : request.query(), request::getHeader, bytes)) {
                request.response().setStatusCode(403).end("signature does not match");
                return;
            }
            JsonNode message;
            try {
                message = Json.parse(new String(bytes, StandardCharsets.UTF_8));
            } catch (Exception e) {
                request.response().setStatusCode(400).end("not JSON");
                return;
            }
            String session = request.getHeader("Mcp-Session-Id");
            String method = message.path("method").asText();
            if (!"initialize".equals(method) && !("s" + sessionGeneration.get()).equals(session)) {
                request.response().setStatusCode(404).end("unknown session");
                return;
            }
            if (!message.has("id")) {
                request.response().setStatusCode(202).end();
                return;
            }
            answer(request, method, message);
        });
    }

    private void answer(HttpServerRequest request, String method, JsonNode message) {
        String id = message.get("id").toString();
        switch (method) {
            case "initialize" -> {
                initializes.incrementAndGet();
                request.response().putHeader("Mcp-Session-Id", "s" + sessionGeneration.get());
                json(request, JsonRpc.response(id, "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":"
                        + "{\"tools\":{}},\"serverInfo\":{\"name\":\"test\",\"version\":\"1\"}}"));
            }
            case "tools/list" -> json(request, JsonRpc.response(id, TOOLS));
            case "tools/call" -> call(request, id, message.at("/params/name").asText(),
                    message.at("/params/_meta/progressToken").toString(), message.at("/params/arguments"));
            default -> json(request, JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "no " + method));
        }
    }

    private void call(HttpServerRequest request, String id, String tool, String progressToken, JsonNode arguments) {
        switch (tool) {
            case "fail" -> request.response().setStatusCode(500).end("boom: the backend fell over");
            case "slow" -> request.response().setStatusCode(200);
            case "drop" -> request.connection().close();
            case "stream" -> stream(request, id, progressToken, arguments.path("events").asInt(1),
                    arguments.path("padding").asInt(0));
            default -> json(request, JsonRpc.response(id, ToolResults.text("signed ok")));
        }
    }

    private static void stream(HttpServerRequest request, String id, String progressToken, int events, int padding) {
        HttpServerResponse response = request.response().putHeader("Content-Type", "text/event-stream")
                .setChunked(true);
        String message = padding == 0 ? "" : ",\"message\":\"" + "p".repeat(padding) + "\"";
        for (int i = 1; i <= events; i++) {
            response.write("event: message\ndata: " + JsonRpc.notification("notifications/progress",
                    "{\"progressToken\":" + progressToken + ",\"progress\":" + i + ",\"total\":" + (events + 1)
                            + message + "}") + "\n\n");
        }
        response.end("data: " + JsonRpc.response(id, ToolResults.text("streamed")) + "\n\n");
    }

    private static void json(HttpServerRequest request, String body) {
        request.response().putHeader("Content-Type", "application/json").end(body);
    }

    private static String tool(String name) {
        return "{\"name\":\"" + name + "\",\"description\":\"" + name + "\",\"inputSchema\":{\"type\":\"object\"}}";
    }
}
