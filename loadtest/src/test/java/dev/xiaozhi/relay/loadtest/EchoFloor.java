package dev.xiaozhi.relay.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The floor the relay is measured against: the least an MCP server over WebSocket can do, on a Vert.x HTTP server
 * with default options but for two that the relay's device port sets too: compression is off (Vert.x offers
 * permessage-deflate by default, and a client that accepts it would make the floor deflate every frame and hold
 * a deflater per connection), and the strict thread mode drops each HTTP connection's outbound queue, which the
 * connection keeps through the upgrade (4.7 KiB). Each text frame is parsed; {@code initialize},
 * {@code tools/list}, an echo {@code tools/call} and {@code ping} are answered; notifications are dropped. Run as its
 * own process ({@link #main}) so that its CPU time and heap are its own; prints {@code listening [port: N]}. It runs
 * on Java NIO, Vert.x's default; {@code -DfloorNativeTransport=true} puts it on Linux's epoll, as the relay is.
 */
public final class EchoFloor {

    private static final JsonObject TOOLS = new JsonObject().put("tools", new JsonArray().add(new JsonObject(Map.of(
            "name", "echo", "description", "Answers with the text it is given.",
            "inputSchema", Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string")))))));
    private static final JsonObject INITIALIZED = new JsonObject().put("protocolVersion", "2024-11-05")
            .put("capabilities", new JsonObject().put("tools", new JsonObject()))
            .put("serverInfo", new JsonObject().put("name", "echo-floor").put("version", "1"));

    private EchoFloor() {
    }

    /** Starts the floor in a process of its own, on the transport {@code -DfloorNativeTransport} asks for. */
    static ChildJvm start() throws IOException {
        return ChildJvm.startMain(EchoFloor.class,
                List.of("-Dfloor.nativeTransport=" + Load.property("floorNativeTransport", "false")));
    }

    /** Listens on {@code args[0]} (0: a free port) on loopback until killed. */
    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setPreferNativeTransport(Boolean.getBoolean("floor.nativeTransport")));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true)
                .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false))
                .webSocketHandler(EchoFloor::serve);
        int port = server.listen(args.length > 0 ? Integer.parseInt(args[0]) : 0, "127.0.0.1")
                .await().actualPort();
        System.out.println("floor transport: " + (vertx.isNativeTransportEnabled() ? "epoll" : "nio"));
        System.out.println("listening [port: " + port + "]");
    }

    private static void serve(ServerWebSocket socket) {
        socket.textMessageHandler(text -> {
            JsonObject request = new JsonObject(text);
            Object id = request.getValue("id");
            if (id == null) {
                return;
            }
            JsonObject result = switch (request.getString("method", "")) {
                case "initialize" -> INITIALIZED;
                case "tools/list" -> TOOLS;
                case "tools/call" -> echo(request.getJsonObject("params"));
                default -> new JsonObject();
            };
            socket.writeTextMessage(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result)
                    .encode());
        });
    }

    private static JsonObject echo(JsonObject params) {
        String text = params.getJsonObject("arguments", new JsonObject()).getString("text", "");
        return new JsonObject().put("content", new JsonArray(List.of(Map.of("type", "text", "text", text))));
    }
}
