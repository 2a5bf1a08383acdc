package dev.xiaozhi.relay.front.pipe;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** Spaces new connection attempts evenly at a rate per second, so a restart of thousands of pipes does not storm. */
final class ConnectLimiter {

    private final Vertx vertx;
    private final long intervalNanos;
    private long nextSlot = System.nanoTime();

    ConnectLimiter(Vertx vertx, int perSecond) {
        this.vertx = vertx;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    }

    /** Completes when the caller may attempt a connection. */
    Future<Void> acquire() {
        long now = System.nanoTime();
        long slot = Math.max(now, nextSlot);
        nextSlot = slot + intervalNanos;
        long waitMs = TimeUnit.NANOSECONDS.toMillis(slot - now);
        if (waitMs == 0) {
            return Future.succeededFuture();
        }
        Promise<Void> turn = Promise.promise();
        vertx.setTimer(waitMs, id -> turn.complete());
        return turn.future();
    }
}
