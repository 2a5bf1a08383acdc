package dev.xiaozhi.relay.ops.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The last {@value #CAPACITY} sessions opened or closed on this node, numbered, so that the fleet stream can ask
 * each node for what came after the last one it saw (one request per node per tick, never a message per session).
 * Thread-safe.
 */
public final class SessionEvents {

    /** Events kept. */
    public static final int CAPACITY = 256;

    private final JsonObject[] ring = new JsonObject[CAPACITY];
    private long last;

    /** A session opened ({@code open}) or closed. */
    public synchronized void add(String tenant, String device, String front, boolean open) {
        last++;
        ring[(int) (last % CAPACITY)] = new JsonObject().put("seq", last).put("tenant", tenant).put("device", device)
                .put("front", front).put("open", open);
    }

    /**
     * The events after number {@code after}, oldest first, as {@code {last, events}}; {@code after < 0} asks only for
     * the number of the last one.
     */
    public synchronized JsonObject after(long after) {
        JsonArray events = new JsonArray();
        if (after >= 0) {
            for (long seq = Math.max(after + 1, last - CAPACITY + 1); seq <= last; seq++) {
                events.add(ring[(int) (seq % CAPACITY)].copy());
            }
        }
        return new JsonObject().put("last", last).put("events", events);
    }
}
