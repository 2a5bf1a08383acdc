package dev.xiaozhi.relay.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Xiaozhi cloud's MCP endpoint ({@code ws://127.0.0.1:port/mcp/?token=…}): on every connection it
 * runs the cloud's conversation (initialize with id 0, initialized and tools/list back to back), then makes
 * {@code callsPerPipe} sequential calls of the listed echo tool (else the first tool listed, with a calculator
 * expression). A pipe whose calls all answered is served, once per token however often it connects again (a pipe
 * runs the handshake again on a new socket when the tools it may see change); a pipe's first connection is counted
 * as dialled. {@code GET /served} answers
 * {@code {"served": N}}.
 */
public final class FakeCloud implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final int callsPerPipe;
    private final Set<String> served = ConcurrentHashMap.newKeySet();
    private final Set<String> dialled = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connected = new AtomicInteger();
    private final CompletableFuture<long[]> firstPipeLatencies = new CompletableFuture<>();
    private final HttpServer server;
    private volatile long lastServedNanos;
    private volatile long lastDialledNanos;

    /** Starts listening on a free loopback port. */
    public FakeCloud(int callsPerPipe) throws Exception {
        this.callsPerPipe = callsPerPipe;
        server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).webSocketHandler(this::converse)
                .requestHandler(request -> request.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("served", served.size()).put("connected", connected.get()).encode()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The endpoint for a pipe with the given token. */
    public String endpoint(String token) {
        return "ws://127.0.0.1:" + server.actualPort() + "/mcp/?token=" + token;
    }

    /** {@code http://127.0.0.1:port}. */
    public String httpUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Pipes served so far. */
    public int served() {
        return served.size();
    }

    /** {@link System#nanoTime()} when the last pipe so far was served. */
    public long lastServedNanos() {
        return lastServedNanos;
    }

    /** Pipes that connected at least once so far. */
    public int dialled() {
        return dialled.size();
    }

    /** {@link System#nanoTime()} when the last pipe so far connected for the first time. */
    public long lastDialledNanos() {
        return lastDialledNanos;
    }

    /** The latencies of the first pipe's calls, in nanoseconds, once all of them answered. */
    public long[] awaitFirstPipe(long seconds) throws Exception {
        return firstPipeLatencies.get(seconds, TimeUnit.SECONDS);
    }

    private void converse(ServerWebSocket socket) {
        connected.incrementAndGet();
        if (dialled.add(String.valueOf(socket.query()))) {
            lastDialledNanos = System.nanoTime();
        }
        long[] latencies = new long[callsPerPipe];
        long[] sentAt = new long[1];
        String[] tool = new String[1];
        socket.closeHandler(v -> connected.decrementAndGet());
        socket.textMessageHandler(text -> {
            JsonObject message = new JsonObject(text);
            Object id = message.getValue("id");
            if (message.containsKey("method")) {
                if (id != null) {
                    socket.writeTextMessage(new JsonObject().put("jsonrpc", "2.0").put("id", id)
                            .put("result", new JsonObject()).encode());
                }
                return;
            }
            int n = id instanceof Number number ? number.intValue() : -1;
            if (n == 0) {
                socket.writeTextMessage(Mcp.INITIALIZED);
                socket.writeTextMessage(Mcp.TOOLS_LIST);
            } else if (n == 1) {
                tool[0] = pick(message.getJsonObject("result").getJsonArray("tools"));
            } else if (n >= 2) {
                latencies[n - 2] = System.nanoTime() - sentAt[0];
            }
            if (n >= 1 && n - 1 < callsPerPipe) {
                sentAt[0] = System.nanoTime();
                socket.writeTextMessage(call(n + 1, tool[0]));
            } else if (n - 1 == callsPerPipe && served.add(String.valueOf(socket.query()))) {
                lastServedNanos = System.nanoTime();
                firstPipeLatencies.complete(Arrays.copyOf(latencies, latencies.length));
            }
        });
        socket.writeTextMessage(Mcp.INITIALIZE);
    }

    private static String pick(JsonArray tools) {
        for (int i = 0; i < tools.size(); i++) {
            String name = tools.getJsonObject(i).getString("name");
            if (name.endsWith("echo")) {
                return name;
            }
        }
        return tools.getJsonObject(0).getString("name");
    }

    private static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + Mcp.argumentsFor(tool) + ",\"clientId\":null,\"serialNumber\":null}}";
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
