package dev.xiaozhi.relay.registry;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** Runs writes one after the other, each once the previous one completed (whether it succeeded or not). */
final class SerialWrites {

    private Future<?> last = Future.succeededFuture();

    /** Queues a write; its future completes with the write's outcome. */
    synchronized <T> Future<T> run(Supplier<Future<T>> write) {
        Future<T> result = last.transform(previous -> write.get());
        last = result;
        return result;
    }
}
