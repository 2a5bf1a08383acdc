package dev.xiaozhi.relay.ops.history;

import io.vertx.core.json.JsonArray;

/**
 * The clock of every series: {@value #COUNT} slots of {@value #STEP_MS} ms (15 minutes), numbered from the epoch so
 * that the slots of every node of a cluster line up.
 */
public final class Slots {

    /** Slots in a series. */
    public static final int COUNT = 90;
    /** Length of a slot. */
    public static final long STEP_MS = 10_000;
    /** How far back a series reaches. */
    public static final long SPAN_MS = COUNT * STEP_MS;

    private Slots() {
    }

    /** The number of the slot that holds {@code epochMs}. */
    public static long of(long epochMs) {
        return epochMs / STEP_MS;
    }

    /** The number of the oldest slot of a series that ends with the slot of {@code nowMs}. */
    public static long first(long nowMs) {
        return of(nowMs) - COUNT + 1;
    }

    /** Where slot {@code slot} lives in a ring of {@link #COUNT}. */
    static int index(long slot) {
        return (int) Math.floorMod(slot, (long) COUNT);
    }

    /** The values of a ring for the slots from {@code first} on, oldest first, zero for slots it does not hold. */
    static JsonArray ordered(long[] slotOf, long[] values, long first) {
        JsonArray out = new JsonArray();
        for (long slot = first; slot < first + COUNT; slot++) {
            int i = index(slot);
            out.add(slotOf[i] == slot ? values[i] : 0L);
        }
        return out;
    }
}
