package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.model.ServerErrorException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Locks of the registry shared by every node of a cluster (Vert.x's cluster-wide locks; local ones on a single
 * node), held while a write checks and changes records, so that writes of one record never race across nodes.
 */
final class RegistryLocks {

    /** How long a write waits for its lock before it gives up. */
    static final long TIMEOUT_MS = 10_000;

    private RegistryLocks() {
    }

    /** Runs a write under the named lock; 503 when the lock is not had in time. */
    static <T> Future<T> under(Vertx vertx, String name, Supplier<Future<T>> write) {
        return under(vertx, name, TIMEOUT_MS, write);
    }

    /** Runs a write under the named lock, waiting for it up to {@code timeoutMs}; 503 when it is not had in time. */
    static <T> Future<T> under(Vertx vertx, String name, long timeoutMs, Supplier<Future<T>> write) {
        return vertx.sharedData().getLockWithTimeout(name, timeoutMs)
                .recover(e -> Future.failedFuture(new ServerErrorException(503, "unavailable",
                        "the registry is busy; try again")))
                .compose(lock -> write.get().onComplete(done -> lock.release()));
    }
}
