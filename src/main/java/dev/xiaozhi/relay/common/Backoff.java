package dev.xiaozhi.relay.common;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between attempts to bring something back (a crashed server, a dropped pipe): full jitter under a ceiling
 * that starts at {@code base} and doubles up to {@code cap}, back to {@code base} after a run that stayed up for
 * {@code healthyAfter}. Something that fails at once therefore never spins, and many that fail together spread out.
 */
public final class Backoff {

    private static final int MAX_SHIFT = 30;

    private final long baseMs;
    private final long capMs;
    private final long healthyAfterMs;
    private int step;

    /** A backoff from {@code base} doubling to {@code cap}, reset after {@code healthyAfter} up. */
    public Backoff(Duration base, Duration cap, Duration healthyAfter) {
        this.baseMs = base.toMillis();
        this.capMs = cap.toMillis();
        this.healthyAfterMs = healthyAfter.toMillis();
    }

    /** The ceiling of the {@code step}-th delay (0-based). */
    public long ceilingMs(int step) {
        return Math.min(capMs, baseMs << Math.min(step, MAX_SHIFT));
    }

    /** Starts the schedule over, as after a healthy run. */
    public void reset() {
        step = 0;
    }

    /** The delay before the next attempt, given how long the last run stayed up (0 when it never came up). */
    public long nextDelayMs(long upForMs) {
        if (upForMs >= healthyAfterMs) {
            step = 0;
        }
        long ceiling = ceilingMs(step++);
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
}
