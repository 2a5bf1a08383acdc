package dev.xiaozhi.relay.ops.history;

import io.vertx.core.json.JsonArray;
import java.util.Arrays;

/** A count per slot over the last 15 minutes, in fixed arrays: counting allocates nothing. Thread-safe. */
public final class CountSeries {

    private final long[] slotOf = new long[Slots.COUNT];
    private final long[] counts = new long[Slots.COUNT];

    /** An empty series. */
    public CountSeries() {
        Arrays.fill(slotOf, Long.MIN_VALUE);
    }

    /** Counts one at {@code nowMs}. */
    public synchronized void increment(long nowMs) {
        long slot = Slots.of(nowMs);
        int i = Slots.index(slot);
        if (slotOf[i] != slot) {
            slotOf[i] = slot;
            counts[i] = 0;
        }
        counts[i]++;
    }

    /** The counts of the series ending at {@code nowMs}, oldest first. */
    public synchronized JsonArray values(long nowMs) {
        return Slots.ordered(slotOf, counts, Slots.first(nowMs));
    }
}
