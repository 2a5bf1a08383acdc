package dev.xiaozhi.relay.front.pipe;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * When a pipe re-runs its handshake after catalog changes: once the changes have been quiet for {@link #QUIET_MS}
 * (a burst of changes makes one re-handshake), no later than {@link #MAX_WAIT_MS} after the first of them, and never
 * sooner than the pipe's minimum interval after the previous one. Used on the pipe's context.
 */
final class RehandshakeTimer {

    /** How long the changes must be quiet. */
    static final long QUIET_MS = 500;
    /** The longest a burst of changes can delay the re-handshake. */
    static final long MAX_WAIT_MS = 2_000;

    private final Vertx vertx;
    private final long minIntervalMs;
    private final Runnable action;
    private long timer = -1;
    private long firstChangeMs;
    private long lastRunMs = Long.MIN_VALUE / 2;

    RehandshakeTimer(Vertx vertx, long minIntervalMs, Runnable action) {
        this.vertx = vertx;
        this.minIntervalMs = minIntervalMs;
        this.action = action;
    }

    /** Another change came. */
    void changed() {
        long now = nowMs();
        if (timer < 0) {
            firstChangeMs = now;
        } else {
            vertx.cancelTimer(timer);
        }
        long due = Math.max(Math.min(now + QUIET_MS, firstChangeMs + MAX_WAIT_MS), lastRunMs + minIntervalMs);
        timer = vertx.setTimer(Math.max(1, due - now), id -> {
            timer = -1;
            lastRunMs = nowMs();
            action.run();
        });
    }

    /** Drops a pending re-handshake. */
    void cancel() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
