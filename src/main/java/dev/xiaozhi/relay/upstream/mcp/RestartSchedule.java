package dev.xiaozhi.relay.upstream.mcp;

import dev.xiaozhi.relay.common.Backoff;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a server that went away is brought back: after {@value #BASE_SECONDS} s doubling to {@value #CAP_SECONDS} s
 * with full jitter, back to the start after a run that stayed up for {@value #CAP_SECONDS} s. One attempt is
 * scheduled at a time, none once stopped. Use from one context.
 */
public final class RestartSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(RestartSchedule.class);
    private static final long BASE_SECONDS = 1;
    private static final long CAP_SECONDS = 60;

    private final Vertx vertx;
    private final String target;
    private final Backoff backoff = new Backoff(Duration.ofSeconds(BASE_SECONDS), Duration.ofSeconds(CAP_SECONDS),
            Duration.ofSeconds(CAP_SECONDS));
    private long upSince;
    private long timer = -1;
    private boolean stopped;

    RestartSchedule(Vertx vertx, String target) {
        this.vertx = vertx;
        this.target = target;
    }

    /** The server came up; how long it stays up decides the next delay. */
    void up() {
        upSince = System.nanoTime();
    }

    /** Runs {@code attempt} after the next delay, unless one is scheduled already or the schedule is stopped. */
    public void schedule(Runnable attempt) {
        if (stopped || timer >= 0) {
            return;
        }
        long upForMs = upSince == 0 ? 0 : (System.nanoTime() - upSince) / 1_000_000;
        upSince = 0;
        long delay = backoff.nextDelayMs(upForMs);
        LOG.info("restarting server [target: {}, in ms: {}]", target, delay);
        timer = vertx.setTimer(delay, id -> {
            timer = -1;
            attempt.run();
        });
    }

    /** Schedules nothing more, and cancels what is scheduled. */
    public void stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        timer = -1;
    }

    /** Whether {@link #stop} was called. */
    public boolean stopped() {
        return stopped;
    }
}
