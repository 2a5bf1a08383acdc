package dev.xiaozhi.relay.ops.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last 15 minutes of this node, in bounded rings, for the fleet view: per target its calls, errors and latency
 * ({@link TargetSeries}), breaker transitions and process restarts with their last stderr lines; rate-limit
 * rejections and failed device authentications; per device ({@link DeviceActivities}, at most
 * {@value #MAX_DEVICES}) when it was last seen, its last calls and its pipe's state changes; and the sessions that
 * opened and closed ({@link SessionEvents}). Recording a call increments counters in fixed arrays. Thread-safe.
 */
public final class NodeHistory {

    /** Devices whose activity is kept. */
    public static final int MAX_DEVICES = 20_000;
    /** Breaker transitions kept per target. */
    public static final int BREAKER_EVENTS = 64;
    /** Restarts kept per target. */
    public static final int RESTARTS = 20;
    /** The outcome of a call refused by the rate limit, in a device's recent calls. */
    public static final String REJECTED = "rejected";

    private final Map<String, TargetSeries> targets = new ConcurrentHashMap<>();
    private final Map<String, EventLog> breakers = new ConcurrentHashMap<>();
    private final Map<String, EventLog> restarts = new ConcurrentHashMap<>();
    private final CountSeries rateLimited = new CountSeries();
    private final CountSeries authFailures = new CountSeries();
    private final DeviceActivities devices = new DeviceActivities(MAX_DEVICES);
    private final SessionEvents sessions = new SessionEvents();

    /**
     * A call of a device ended at a target.
     *
     * @param outcome its outcome's tag
     * @param error   whether it counts as an error of the target
     */
    public void call(String target, String tenant, String device, String outcome, boolean error, long nanos) {
        long now = System.currentTimeMillis();
        targets.computeIfAbsent(target, t -> new TargetSeries()).record(now, error, nanos);
        if (tenant != null && device != null) {
            devices.of(tenant, device).call(now, target, outcome, nanos);
        }
    }

    /** A device's call was refused by the rate limit. */
    public void rateLimited(String tenant, String device, String target) {
        long now = System.currentTimeMillis();
        rateLimited.increment(now);
        devices.of(tenant, device).call(now, target, REJECTED, 0);
    }

    /** A device presented a token that did not work (or was throttled for it). */
    public void authFailure() {
        authFailures.increment(System.currentTimeMillis());
    }

    /** A target's circuit breaker went from one state to another (lowercase names). */
    public void breaker(String target, String from, String to) {
        breakers.computeIfAbsent(target, t -> new EventLog(BREAKER_EVENTS)).add(new JsonObject()
                .put("at", System.currentTimeMillis()).put("from", from).put("to", to));
    }

    /** A target's server process exited and is restarted; {@code stderr}: its last lines, redacted. */
    public void restart(String target, int exitCode, List<String> stderr) {
        restarts.computeIfAbsent(target, t -> new EventLog(RESTARTS)).add(new JsonObject()
                .put("at", System.currentTimeMillis()).put("exitCode", exitCode).put("stderr", new JsonArray(stderr)));
    }

    /** A device's pipe changed state; {@code closeCode} -1 when no connection ended. */
    public void pipe(String tenant, String device, String state, int closeCode, String reason) {
        devices.of(tenant, device).pipe(System.currentTimeMillis(), state, closeCode, reason);
    }

    /** A session of a device opened. */
    public void sessionOpened(String tenant, String device, String front) {
        devices.of(tenant, device).seen(System.currentTimeMillis());
        sessions.add(tenant, device, front, true);
    }

    /** A session of a device closed. */
    public void sessionClosed(String tenant, String device, String front) {
        devices.of(tenant, device).seen(System.currentTimeMillis());
        sessions.add(tenant, device, front, false);
    }

    /** The targets with calls here in the last 15 minutes (or ever since the node started). */
    public Set<String> targetsCalled() {
        return Set.copyOf(targets.keySet());
    }

    /** A target's series ending now ({@link TargetSeries#snapshot}), or null when it had no calls here. */
    public JsonObject targetSeries(String target, long nowMs) {
        TargetSeries series = targets.get(target);
        return series == null ? null : series.snapshot(nowMs);
    }

    /** Rate-limit rejections and auth failures per slot: {@code {t0, rateLimited, authFailures}}. */
    public JsonObject rejections(long nowMs) {
        return new JsonObject().put("t0", Slots.first(nowMs) * Slots.STEP_MS)
                .put("rateLimited", rateLimited.values(nowMs)).put("authFailures", authFailures.values(nowMs));
    }

    /** A target's breaker transitions of the last 15 minutes, newest first. */
    public JsonArray breakerTransitions(String target, long nowMs) {
        EventLog log = breakers.get(target);
        return log == null ? new JsonArray() : log.newestFirst(nowMs - Slots.SPAN_MS);
    }

    /** A target's restarts of the last 15 minutes, newest first, each with its stderr lines. */
    public JsonArray restarts(String target, long nowMs) {
        EventLog log = restarts.get(target);
        return log == null ? new JsonArray() : log.newestFirst(nowMs - Slots.SPAN_MS);
    }

    /** Per device activity. */
    public DeviceActivities devices() {
        return devices;
    }

    /** Sessions opened and closed. */
    public SessionEvents sessions() {
        return sessions;
    }
}
