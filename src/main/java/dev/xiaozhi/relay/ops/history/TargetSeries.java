package dev.xiaozhi.relay.ops.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * A target's calls, errors and latency histogram per slot over the last 15 minutes, in fixed arrays: recording a
 * call increments three counters and allocates nothing. Thread-safe.
 */
public final class TargetSeries {

    private final long[] slotOf = new long[Slots.COUNT];
    private final long[] calls = new long[Slots.COUNT];
    private final long[] errors = new long[Slots.COUNT];
    private final long[][] latency = new long[Slots.COUNT][LatencyBuckets.COUNT];

    /** An empty series. */
    public TargetSeries() {
        Arrays.fill(slotOf, Long.MIN_VALUE);
    }

    /** Records a call that ended at {@code nowMs} after {@code nanos}. */
    public synchronized void record(long nowMs, boolean error, long nanos) {
        long slot = Slots.of(nowMs);
        int i = Slots.index(slot);
        if (slotOf[i] != slot) {
            slotOf[i] = slot;
            calls[i] = 0;
            errors[i] = 0;
            Arrays.fill(latency[i], 0);
        }
        calls[i]++;
        if (error) {
            errors[i]++;
        }
        latency[i][LatencyBuckets.of(nanos / 1_000_000.0)]++;
    }

    /**
     * The series ending at {@code nowMs}, for merging with other nodes': {@code t0}, {@code calls} and {@code errors}
     * (oldest first), and {@code latency}: per slot the non-empty buckets as {@code [bucket, count, ...]}.
     */
    public synchronized JsonObject snapshot(long nowMs) {
        long first = Slots.first(nowMs);
        JsonArray histograms = new JsonArray();
        for (long slot = first; slot < first + Slots.COUNT; slot++) {
            int i = Slots.index(slot);
            JsonArray sparse = new JsonArray();
            if (slotOf[i] == slot) {
                for (int b = 0; b < LatencyBuckets.COUNT; b++) {
                    if (latency[i][b] > 0) {
                        sparse.add(b).add(latency[i][b]);
                    }
                }
            }
            histograms.add(sparse);
        }
        return new JsonObject().put("t0", first * Slots.STEP_MS)
                .put("calls", Slots.ordered(slotOf, calls, first))
                .put("errors", Slots.ordered(slotOf, errors, first))
                .put("latency", histograms);
    }
}
