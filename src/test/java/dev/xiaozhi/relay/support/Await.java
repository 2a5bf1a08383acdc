package dev.xiaozhi.relay.support;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** Waits for a condition that something else makes true, polling on Vert.x timers. */
public final class Await {

    private static final long LIMIT_MS = 15_000;
    private static final long POLL_MS = 20;

    private Await() {
    }

    /** A condition that may throw while it is checked. */
    @FunctionalInterface
    public interface Condition {

        /** Whether the condition holds now. */
        boolean holds() throws Exception;
    }

    /** Returns once {@code condition} holds; fails after 15 s. */
    public static void until(Vertx vertx, Condition condition) throws Exception {
        until(vertx, LIMIT_MS, condition);
    }

    /** Returns once {@code condition} holds; fails after {@code limitMs}. */
    public static void until(Vertx vertx, long limitMs, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limitMs + " ms");
            }
            vertx.timer(POLL_MS, TimeUnit.MILLISECONDS).await();
        }
    }
}
