package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.bus.RegistryChange;
import dev.xiaozhi.relay.model.ClientErrorException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live fleet for browsers, as server-sent events ({@code GET /fleet/events}): one shared tick per node gathers
 * the fleet once ({@link FleetView}) and writes it to every open stream as {@code event: fleet} (a stream that
 * opens gets the last one at once; only the first stream makes a gathering of its own), with the sessions
 * the nodes opened and closed since the last tick as {@code event: session}; the registry's changes it is told of go
 * out at once as {@code event: registry}; a {@code : ping} comment keeps idle connections open. A stream whose write
 * queue is still full at the next write (its browser does not read) is dropped; at most {@code maxStreams} are open
 * at once. Used on the admin verticle's context only.
 */
public final class FleetStream implements Handler<RoutingContext> {

    /** How often the fleet is gathered and sent while a stream is open. */
    public static final long TICK_MS = 2_000;
    /** How often a ping comment goes out. */
    public static final long PING_MS = 15_000;
    /** Streams open at once on a node. */
    public static final int MAX_STREAMS = 32;
    /** Bytes a stream may have waiting before it counts as not reading. */
    public static final int QUEUE_BYTES = 256 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(FleetStream.class);
    private static final Buffer PING = Buffer.buffer(": ping\n\n");

    private final BiFunction<Vertx, Function<String, JsonObject>, Future<FleetView.Overview>> gather;
    private final long tickMs;
    private final long pingMs;
    private final int maxStreams;
    private final int queueBytes;
    private final Map<HttpServerResponse, String> streams = new LinkedHashMap<>();
    private final Map<String, Long> sessionsAfter = new HashMap<>();
    private Vertx vertx;
    private long tickTimer = -1;
    private long pingTimer = -1;
    private boolean gathering;
    private Buffer lastFleet;
    private volatile int open;

    /** A stream over the fleet view, with the default tick, cap and queue bound. */
    public FleetStream(FleetView view) {
        this((vertx, requestFor) -> view.overview(vertx, requestFor), TICK_MS, PING_MS, MAX_STREAMS, QUEUE_BYTES);
    }

    /**
     * A stream over any gathering of the fleet, with its own cadence and bounds.
     *
     * @param gather     gathers the fleet, with the overview request for each node (by its short name)
     * @param tickMs     how often
     * @param pingMs     how often a ping comment goes out
     * @param maxStreams how many streams may be open at once
     * @param queueBytes bytes a stream may have waiting
     */
    public FleetStream(BiFunction<Vertx, Function<String, JsonObject>, Future<FleetView.Overview>> gather, long tickMs,
            long pingMs, int maxStreams, int queueBytes) {
        this.gather = gather;
        this.tickMs = tickMs;
        this.pingMs = pingMs;
        this.maxStreams = maxStreams;
        this.queueBytes = queueBytes;
    }

    /** Starts the tick and the ping, on the calling verticle's context. */
    public Future<Void> start(Vertx owner) {
        vertx = owner;
        tickTimer = owner.setPeriodic(tickMs, id -> tick());
        pingTimer = owner.setPeriodic(pingMs, id -> broadcast(PING));
        return Future.succeededFuture();
    }

    /** Ends every stream and stops. */
    public Future<Void> stop() {
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(pingTimer);
        List.copyOf(streams.keySet()).forEach(HttpServerResponse::end);
        streams.clear();
        open = 0;
        return Future.succeededFuture();
    }

    /** Streams open now; any thread. */
    public int open() {
        return open;
    }

    /** {@code GET /fleet/events}: opens a stream, or refuses with 429 over the cap. */
    @Override
    public void handle(RoutingContext ctx) {
        if (streams.size() >= maxStreams) {
            ctx.fail(429, new ClientErrorException(429, "too_many_streams", "at most " + maxStreams
                    + " fleet streams may be open on a node; close one"));
            return;
        }
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-store").putHeader("x-accel-buffering", "no")
                .setWriteQueueMaxSize(queueBytes);
        response.closeHandler(v -> forget(response));
        response.exceptionHandler(e -> forget(response));
        streams.put(response, ctx.request().remoteAddress().hostAddress());
        open = streams.size();
        response.write(": connected\n\n");
        if (lastFleet == null) {
            tick();
        } else {
            response.write(lastFleet.copy());
        }
    }

    private void tick() {
        if (streams.isEmpty() || gathering) {
            return;
        }
        gathering = true;
        gather.apply(vertx, node -> new JsonObject().put("part", FleetNode.OVERVIEW)
                .put("sessionsAfter", sessionsAfter.getOrDefault(node, -1L))).onComplete(gathered -> {
                    gathering = false;
                    if (gathered.failed()) {
                        LOG.warn("gathering the fleet failed: {}", gathered.cause().getMessage());
                        return;
                    }
                    if (streams.isEmpty()) {
                        return;
                    }
                    sessionEvents(gathered.result().parts());
                    lastFleet = event("fleet", gathered.result().json());
                    broadcast(lastFleet);
                });
    }

    /** Sends the sessions each node opened and closed since the last tick, and remembers where each stands. */
    private void sessionEvents(List<JsonObject> parts) {
        for (JsonObject part : FleetMerge.answered(parts)) {
            JsonObject events = part.getJsonObject("sessionEvents");
            if (events == null) {
                continue;
            }
            String node = part.getString("node");
            Long after = sessionsAfter.get(node);
            if (after != null && after >= 0) {
                events.getJsonArray("events").forEach(e -> {
                    JsonObject session = (JsonObject) e;
                    broadcast(event("session", new JsonObject().put("tenant", session.getString("tenant"))
                            .put("device", session.getString("device")).put("front", session.getString("front"))
                            .put("node", node).put("open", session.getBoolean("open"))));
                });
            }
            sessionsAfter.put(node, events.getLong("last"));
        }
    }

    /** Tells every stream of a change of the registry; on the verticle's context. */
    void registryChanged(RegistryChange change) {
        if (!streams.isEmpty()) {
            broadcast(event("registry", new JsonObject().put("tenant", change.tenant())
                    .put("device", change.device()).put("change", change.revoked() ? "revoked" : "updated")));
        }
    }

    /** Forgets a stream; without any, the last fleet and where the nodes' sessions stood are forgotten too. */
    private void forget(HttpServerResponse stream) {
        streams.remove(stream);
        open = streams.size();
        if (streams.isEmpty()) {
            lastFleet = null;
            sessionsAfter.clear();
        }
    }

    private static Buffer event(String name, JsonObject data) {
        return Buffer.buffer("event: " + name + "\ndata: " + data.encode() + "\n\n");
    }

    /** Writes to every stream; one whose queue is still full from before is dropped. */
    private void broadcast(Buffer message) {
        for (HttpServerResponse stream : List.copyOf(streams.keySet())) {
            if (stream.writeQueueFull()) {
                LOG.info("fleet stream dropped: its client does not read [remote: {}]", streams.get(stream));
                forget(stream);
                stream.reset();
            } else {
                stream.write(message.copy());
            }
        }
    }
}
