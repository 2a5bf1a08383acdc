package dev.xiaozhi.relay.target;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between attempts to bring a target back: 1 s doubling to 60 s, with jitter, back to 1 s after a run that
 * stayed up for 60 s. A server that dies on start therefore never spins.
 */
public final class RetryBackoff {

    static final long INITIAL_MS = 1_000;
    static final long MAX_MS = 60_000;
    static final long HEALTHY_MS = 60_000;

    private int attempt;

    /** The delay before the next start, given how long the last run stayed up. */
    public long nextDelayMs(long upForMs) {
        if (upForMs >= HEALTHY_MS) {
            attempt = 0;
        }
        long delay = Math.min(MAX_MS, INITIAL_MS << Math.min(attempt, 16));
        attempt++;
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }
}
