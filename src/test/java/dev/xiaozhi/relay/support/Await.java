package dev.xiaozhi.relay.support;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a condition that something else makes true, polling on Vert.x timers. */
public final class Await {

    private static final long LIMIT_MS = 15_000;
    private static final long POLL_MS = 20;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails after 15 s. */
    public static void until(Vertx vertx, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + LIMIT_MS + " ms");
            }
            vertx.timer(POLL_MS, TimeUnit.MILLISECONDS).await();
        }
    }
}
