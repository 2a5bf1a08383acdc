package dev.xiaozhi.relay.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;

/** Messages as they arrive on one socket, handed out in order to whoever asks, before or after they arrive. */
final class Inbox {

    private final Deque<String> received = new ArrayDeque<>();
    private final Deque<Promise<String>> waiting = new ArrayDeque<>();

    synchronized void add(String text) {
        Promise<String> promise = waiting.poll();
        if (promise != null) {
            promise.complete(text);
        } else {
            received.add(text);
        }
    }

    synchronized Future<String> next() {
        String text = received.poll();
        if (text != null) {
            return Future.succeededFuture(text);
        }
        Promise<String> promise = Promise.promise();
        waiting.add(promise);
        return promise.future();
    }

    synchronized boolean isEmpty() {
        return received.isEmpty();
    }

    synchronized void failWaiting(String reason) {
        waiting.forEach(promise -> promise.tryFail(reason));
        waiting.clear();
    }
}
