package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The Xiaozhi cloud's MCP endpoint as tests need it: tool sides dial in on {@code /mcp/?token=…}; tokens starting
 * with {@code bad} are refused with 401. Each connection gets the cloud's exact opening (initialize with id 0 and
 * 2024-11-05, then initialized and tools/list back to back once initialize is answered); tests then drive it.
 */
public final class FakeXiaozhiCloud implements AutoCloseable {

    /** The cloud's initialize request, byte for byte. */
    public static final String INITIALIZE = "{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{\"sampling\":{},\"roots\":"
            + "{\"listChanged\":false}},\"clientInfo\":{\"name\":\"xz-mcp-broker\",\"version\":\"0.0.1\"}}}";

    private final HttpServer server;
    private final Map<String, List<Connection>> connections = new ConcurrentHashMap<>();
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();

    private FakeXiaozhiCloud(Vertx vertx) throws Exception {
        this.server = vertx.createHttpServer().webSocketHandshakeHandler(handshake -> {
            List<String> tokens = new QueryStringDecoder(handshake.uri()).parameters().get("token");
            String token = tokens == null ? "" : tokens.get(0);
            if (token.startsWith("bad")) {
                refusals.merge(token, 1, Integer::sum);
                handshake.reject(401);
                return;
            }
            handshake.accept().onSuccess(socket -> connections
                    .computeIfAbsent(token, t -> new CopyOnWriteArrayList<>()).add(new Connection(socket)));
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /** Starts the cloud on a free port. */
    public static FakeXiaozhiCloud start(Vertx vertx) throws Exception {
        return new FakeXiaozhiCloud(vertx);
    }

    /** The endpoint URL of an agent token. */
    public String endpoint(String token) {
        return "ws://127.0.0.1:" + server.actualPort() + "/mcp/?token=" + token;
    }

    /** Connections made with a token so far. */
    public List<Connection> connections(String token) {
        return connections.getOrDefault(token, List.of());
    }

    /** Handshakes refused for a token so far. */
    public int refusals(String token) {
        return refusals.getOrDefault(token, 0);
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }

    /** One tool-side connection, as the cloud sees it. */
    public static final class Connection {

        private final ServerWebSocket socket;
        private final Inbox inbox = new Inbox();
        private final Promise<Void> closed = Promise.promise();
        private final long openedNanos = System.nanoTime();
        private volatile long closedNanos;
        private volatile JsonNode servedTools;

        Connection(ServerWebSocket socket) {
            this.socket = socket;
            socket.textMessageHandler(this::onText);
            socket.closeHandler(v -> {
                closedNanos = System.nanoTime();
                closed.tryComplete();
            });
            socket.writeTextMessage(INITIALIZE);
        }

        /** The next message the tool side sent, parsed. */
        public JsonNode next() throws Exception {
            return Json.parse(inbox.take(10, TimeUnit.SECONDS));
        }

        /** Sends one frame. */
        public void send(String text) throws Exception {
            socket.writeTextMessage(text).await(10, TimeUnit.SECONDS);
        }

        /** Closes from the cloud's side. */
        public void close(short code, String reason) throws Exception {
            socket.close(code, reason).await(10, TimeUnit.SECONDS);
        }

        /** When the connection was accepted ({@link System#nanoTime()}). */
        public long openedNanos() {
            return openedNanos;
        }

        /** When the connection closed ({@link System#nanoTime()}), or 0 while it is open. */
        public long closedNanos() {
            return closedNanos;
        }

        /** The tools the tool side listed in answer to the cloud's {@code tools/list}, once it has answered. */
        public Optional<JsonNode> servedTools() {
            return Optional.ofNullable(servedTools);
        }

        /** Completes when the connection is gone. */
        public Future<Void> closed() {
            return closed.future();
        }

        private void onText(String text) {
            if (text.contains("\"id\":0") && text.contains("protocolVersion")) {
                socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}");
            }
            if (text.contains("\"tools\"")) {
                try {
                    JsonNode message = Json.parse(text);
                    if (message.path("id").asInt(-1) == 1 && message.at("/result/tools").isArray()) {
                        servedTools = message.at("/result/tools");
                    }
                } catch (JsonProcessingException e) {
                    // not a reply this cloud waits for; the test reads it from the inbox
                }
            }
            inbox.add(text);
        }
    }
}
