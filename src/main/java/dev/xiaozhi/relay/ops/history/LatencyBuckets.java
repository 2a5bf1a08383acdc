package dev.xiaozhi.relay.ops.history;

/**
 * A fixed histogram layout for call latencies: bucket {@code i} holds what took up to {@value #FIRST_MS} ms times
 * √2 to the {@code i}th power, {@value #COUNT} buckets up to about ten minutes; a percentile is read as the geometric
 * middle of its bucket, within a fifth of the true value.
 */
public final class LatencyBuckets {

    /** Buckets in a histogram. */
    public static final int COUNT = 48;
    /** Upper bound of the first bucket. */
    public static final double FIRST_MS = 0.05;

    private static final double LOG_STEP = Math.log(Math.sqrt(2));

    private LatencyBuckets() {
    }

    /** The bucket of a latency. */
    public static int of(double millis) {
        if (millis <= FIRST_MS) {
            return 0;
        }
        int bucket = (int) Math.ceil(Math.log(millis / FIRST_MS) / LOG_STEP);
        return Math.min(COUNT - 1, bucket);
    }

    /** The value that stands for a bucket: the geometric middle of its bounds. */
    public static double value(int bucket) {
        return FIRST_MS * Math.exp((bucket - 0.5) * LOG_STEP);
    }

    /**
     * A percentile of a histogram.
     *
     * @param counts   counts per bucket
     * @param fraction 0.5 for the median, 0.99 for p99
     * @return the latency in ms, 0 for an empty histogram
     */
    public static double percentile(long[] counts, double fraction) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return round(value(i));
            }
        }
        return round(value(counts.length - 1));
    }

    /** Rounds to a tenth of a millisecond for the page (two decimals below one). */
    static double round(double millis) {
        return millis < 1 ? Math.round(millis * 100) / 100.0 : Math.round(millis * 10) / 10.0;
    }
}
