package dev.xiaozhi.relay.ops.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The last events of a kind (breaker transitions, restarts), at most {@code capacity}, the oldest overwritten:
 * bounded whatever happens. Each event is a small JSON object with its time as {@code at}. Thread-safe.
 */
public final class EventLog {

    private final JsonObject[] ring;
    private int next;
    private int size;

    /** A log of at most {@code capacity} events. */
    public EventLog(int capacity) {
        this.ring = new JsonObject[capacity];
    }

    /** Adds an event; it must carry its time as {@code at}. */
    public synchronized void add(JsonObject event) {
        ring[next] = event;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The events since {@code sinceMs}, newest first, copied. */
    public synchronized JsonArray newestFirst(long sinceMs) {
        JsonArray out = new JsonArray();
        for (int k = 1; k <= size; k++) {
            JsonObject event = ring[Math.floorMod(next - k, ring.length)];
            if (event.getLong("at") >= sinceMs) {
                out.add(event.copy());
            }
        }
        return out;
    }
}
