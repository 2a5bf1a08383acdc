package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.LiveSessions;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.ops.PipeState;
import dev.xiaozhi.relay.ops.PipeStatus;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.ops.history.DeviceActivity;
import dev.xiaozhi.relay.ops.history.NodeHistory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * This node's part of the fleet view, answered on {@link EventBusAddresses#fleetNode} (one clustered consumer per
 * node): its readiness, sessions by tenant and front, pipes by state with the longest down, targets with their
 * series, rejections and the sessions opened and closed since a number ({@value #OVERVIEW}); what it knows of some
 * devices ({@value #DEVICES}), of one device ({@value #DEVICE}) and of one target ({@value #TARGET}). Never a token,
 * an endpoint, an argument or a result.
 */
public final class FleetNode {

    /** The part with everything of the fleet page. */
    static final String OVERVIEW = "overview";
    /** The part with the live state of a page of a tenant's devices. */
    static final String DEVICES = "devices";
    /** The part with one device's sessions, pipe history and calls. */
    static final String DEVICE = "device";
    /** The part with one target's breaker transitions and restarts. */
    static final String TARGET = "target";
    /** The fronts the page counts sessions of. */
    static final List<FrontKind> COUNTED = List.of(FrontKind.WEBSOCKET, FrontKind.PIPE, FrontKind.HTTP,
            FrontKind.SSE);
    /** Pipes listed as longest down, per node and in the merge. */
    static final int LONGEST_DOWN = 50;

    private final String self;
    private final String name;
    private final Readiness readiness;
    private final RelayMetrics metrics;
    private final LiveSessions sessions;

    /**
     * @param self its cluster id, the address of its part
     * @param name the short name it is shown with
     */
    public FleetNode(String self, String name, Readiness readiness, RelayMetrics metrics, LiveSessions sessions) {
        this.self = self;
        this.name = name;
        this.readiness = readiness;
        this.metrics = metrics;
        this.sessions = sessions;
    }

    /** Starts answering on this node's address. */
    MessageConsumer<JsonObject> register(Vertx vertx) {
        return vertx.eventBus().consumer(EventBusAddresses.fleetNode(self),
                message -> message.reply(answer(message.body())));
    }

    /** The answer to a request for a part. */
    JsonObject answer(JsonObject request) {
        long now = System.currentTimeMillis();
        String part = request.getString("part", OVERVIEW);
        JsonObject answer = switch (part) {
            case DEVICES -> devices(request.getString("tenant", ""), request.getJsonArray("devices", new JsonArray()));
            case DEVICE -> device(request.getString("tenant", ""), request.getString("device", ""));
            case TARGET -> target(request.getString("target", ""), now);
            default -> overview(request.getLong("sessionsAfter", -1L), now);
        };
        return answer.put("node", name);
    }

    private JsonObject overview(long sessionsAfter, long now) {
        NodeHistory history = metrics.history();
        JsonObject bySession = zeros();
        Map<String, JsonObject> byTenant = new TreeMap<>();
        for (LiveSession session : sessions.list()) {
            if (COUNTED.contains(session.front())) {
                String front = session.front().label();
                bySession.put(front, bySession.getInteger(front) + 1);
                JsonObject tenant = byTenant.computeIfAbsent(session.tenant(), t -> zeros());
                tenant.put(front, tenant.getInteger(front) + 1);
            }
        }
        JsonObject pipeCounts = new JsonObject();
        for (PipeState state : PipeState.values()) {
            pipeCounts.put(state.label(), 0);
        }
        List<PipeStatus> pipes = metrics.pipes();
        for (PipeStatus pipe : pipes) {
            pipeCounts.put(pipe.state().label(), pipeCounts.getInteger(pipe.state().label()) + 1);
        }
        JsonArray longestDown = new JsonArray(pipes.stream().filter(p -> p.state() != PipeState.CONNECTED)
                .map(p -> downPipe(p, history, now))
                .sorted(Comparator.comparingLong(p -> p.getLong("since")))
                .limit(LONGEST_DOWN).map(Object.class::cast).toList());
        JsonArray targets = new JsonArray();
        Set<String> names = new HashSet<>(history.targetsCalled());
        Map<String, RelayMetrics.TargetState> registered = metrics.targets();
        names.addAll(registered.keySet());
        new TreeSet<>(names).forEach(target -> {
            RelayMetrics.TargetState state = registered.get(target);
            JsonObject json = new JsonObject().put("target", target).put("registered", state != null);
            if (state != null) {
                json.put("type", state.type()).put("circuit", state.circuit().get())
                        .put("tools", state.tools().getAsInt());
            }
            targets.add(json.put("series", history.targetSeries(target, now)));
        });
        return new JsonObject().put("at", now).put("ready", readiness.ready()).put("draining", readiness.draining())
                .put("sessions", bySession).put("tenants", new JsonObject(new HashMap<>(byTenant)))
                .put("pipes", pipeCounts).put("longestDown", longestDown).put("targets", targets)
                .put("rejections", history.rejections(now))
                .put("sessionEvents", history.sessions().after(sessionsAfter));
    }

    private JsonObject downPipe(PipeStatus pipe, NodeHistory history, long now) {
        DeviceActivity activity = history.devices().find(pipe.tenant(), pipe.device());
        long since = activity == null || activity.pipeDownSince() == 0 ? now : activity.pipeDownSince();
        return new JsonObject().put("tenant", pipe.tenant()).put("device", pipe.device()).put("node", name)
                .put("state", pipe.state().label()).put("since", since)
                .put("lastCloseCode", pipe.lastCloseCode() < 0 ? null : pipe.lastCloseCode());
    }

    /** Per device asked for: {@code {fronts, lastSeen, pipe}} of those this node knows anything of. */
    private JsonObject devices(String tenant, JsonArray ids) {
        Set<String> asked = new HashSet<>();
        ids.forEach(id -> asked.add(String.valueOf(id)));
        JsonObject devices = new JsonObject();
        for (LiveSession session : sessions.list()) {
            if (session.tenant().equals(tenant) && asked.contains(session.device())) {
                JsonArray fronts = entry(devices, session.device()).getJsonArray("fronts");
                if (!fronts.contains(session.front().label())) {
                    fronts.add(session.front().label());
                }
            }
        }
        for (PipeStatus pipe : metrics.pipes()) {
            if (pipe.tenant().equals(tenant) && asked.contains(pipe.device())) {
                DeviceActivity activity = metrics.history().devices().find(tenant, pipe.device());
                entry(devices, pipe.device()).put("pipe", new JsonObject().put("state", pipe.state().label())
                        .put("since", activity == null ? null : activity.pipeSince()));
            }
        }
        metrics.history().devices().ofTenant(tenant).forEach((device, activity) -> {
            if (asked.contains(device) && activity.lastSeen() > 0) {
                entry(devices, device).put("lastSeen", activity.lastSeen());
            }
        });
        return new JsonObject().put("devices", devices);
    }

    private static JsonObject entry(JsonObject devices, String device) {
        JsonObject entry = devices.getJsonObject(device);
        if (entry == null) {
            entry = new JsonObject().put("fronts", new JsonArray());
            devices.put(device, entry);
        }
        return entry;
    }

    private JsonObject device(String tenant, String device) {
        JsonArray open = new JsonArray();
        for (LiveSession session : sessions.list()) {
            if (session.tenant().equals(tenant) && session.device().equals(device)) {
                open.add(new JsonObject().put("node", name).put("front", session.front().label())
                        .put("since", session.openedAt().toEpochMilli()));
            }
        }
        DeviceActivity activity = metrics.history().devices().find(tenant, device);
        return new JsonObject().put("sessions", open)
                .put("lastSeen", activity == null || activity.lastSeen() == 0 ? null : activity.lastSeen())
                .put("pipeHistory", activity == null ? new JsonArray() : activity.pipeHistory())
                .put("recentCalls", activity == null ? new JsonArray() : activity.calls());
    }

    private JsonObject target(String target, long now) {
        RelayMetrics.TargetState state = metrics.targets().get(target);
        JsonObject json = new JsonObject().put("registered", state != null);
        if (state != null) {
            json.put("type", state.type()).put("circuit", state.circuit().get());
        }
        JsonArray breaker = metrics.history().breakerTransitions(target, now);
        breaker.forEach(event -> ((JsonObject) event).put("node", name));
        JsonArray restarts = metrics.history().restarts(target, now);
        restarts.forEach(event -> ((JsonObject) event).put("node", name));
        return json.put("breaker", breaker).put("restarts", restarts);
    }

    private static JsonObject zeros() {
        JsonObject counts = new JsonObject();
        COUNTED.forEach(front -> counts.put(front.label(), 0));
        return counts;
    }
}
