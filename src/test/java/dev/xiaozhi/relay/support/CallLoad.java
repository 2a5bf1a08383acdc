package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A steady load of calculator calls from devices that reconnect to another node when theirs goes away: each call
 * is counted as answered (the right result), failed cleanly (an error reply, or its session closed by the relay
 * while it was in flight), or lost (neither within 30 s, far beyond any deadline of the relay's).
 */
public final class CallLoad {

    private static final long DEADLINE_MS = 30_000;
    private static final long RECONNECT_DELAY_MS = 100;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final IntSupplier port;
    private final String path;
    private final long pauseMs;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger failedCleanly = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<String> lostCalls = new CopyOnWriteArrayList<>();

    /**
     * Starts {@code devices} callers.
     *
     * @param port    the device port of a live node, asked at each (re)connection
     * @param path    the device URL's path and query, e.g. {@code /mcp?token=…}
     * @param pauseMs pause between a reply and the next call of a device
     */
    public CallLoad(Vertx vertx, int devices, IntSupplier port, String path, long pauseMs) {
        this.vertx = vertx;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1000));
        this.port = port;
        this.path = path;
        this.pauseMs = pauseMs;
        for (int i = 0; i < devices; i++) {
            connect();
        }
    }

    /** Calls that got their right result. */
    public int answered() {
        return answered.get();
    }

    /** Calls that ended in an error reply or a relay-closed session. */
    public int failedCleanly() {
        return failedCleanly.get();
    }

    /** Calls that got nothing within the deadline. */
    public int lost() {
        return lost.get();
    }

    /** Stops issuing calls; calls in flight still end and are counted. */
    public void stop() {
        running.set(false);
    }

    /** Where and when the lost calls were sent. */
    public List<String> lostCalls() {
        return lostCalls;
    }

    /** Calls in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    private void connect() {
        if (!running.get()) {
            return;
        }
        int chosen = port.getAsInt();
        client.connect(chosen, "127.0.0.1", path).onSuccess(socket -> new Caller(socket, chosen).start())
                .onFailure(e -> vertx.setTimer(RECONNECT_DELAY_MS, id -> connect()));
    }

    /** One device: initialize, then one call at a time. */
    private final class Caller {

        private final WebSocket socket;
        private final int port;
        private boolean closed;
        private int next;
        private int expected;
        private boolean waiting;
        private long deadline;

        Caller(WebSocket socket, int port) {
            this.socket = socket;
            this.port = port;
        }

        void start() {
            socket.textMessageHandler(this::onText);
            socket.closeHandler(v -> onClosed());
            socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2024-11-05\"}}");
        }

        private void onText(String text) {
            JsonNode message;
            try {
                message = Json.parse(text);
            } catch (IOException e) {
                failedCleanly.incrementAndGet();
                return;
            }
            if (message.path("id").asInt(-1) == 0) {
                socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                callNext();
                return;
            }
            if (!waiting || message.path("id").asInt(-1) != next) {
                return;
            }
            end();
            boolean right = message.at("/result/content/0/text").asText().equals(Integer.toString(expected));
            (right ? answered : failedCleanly).incrementAndGet();
            vertx.setTimer(pauseMs, id -> callNext());
        }

        private void callNext() {
            if (closed) {
                return;
            }
            if (!running.get()) {
                socket.close();
                return;
            }
            next++;
            expected = next * 2;
            waiting = true;
            inFlight.incrementAndGet();
            long call = next;
            deadline = vertx.setTimer(DEADLINE_MS, id -> {
                if (waiting && next == call) {
                    end();
                    lost.incrementAndGet();
                    lostCalls.add("call " + call + " on port " + port + " at " + Instant.now());
                    socket.close();
                }
            });
            socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":" + next + ",\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"calculator___evaluate\",\"arguments\":{\"expression\":\"" + next + "*2\"}}}");
        }

        private void onClosed() {
            closed = true;
            if (waiting) {
                end();
                failedCleanly.incrementAndGet();
            }
            vertx.setTimer(RECONNECT_DELAY_MS, id -> connect());
        }

        private void end() {
            waiting = false;
            inFlight.decrementAndGet();
            vertx.cancelTimer(deadline);
        }
    }
}
