package dev.xiaozhi.relay.support;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Messages as they arrive on one socket, handed out in order to whoever asks, before or after they arrive. A reader
 * that gives up waiting leaves nothing behind: the next message goes to the next reader, never to one that timed out.
 */
final class Inbox {

    private final Deque<String> received = new ArrayDeque<>();
    private String closedReason;

    synchronized void add(String text) {
        received.add(text);
        notifyAll();
    }

    /**
     * The oldest message not yet taken, waiting for one up to {@code timeout}.
     *
     * @throws TimeoutException      when none came in time
     * @throws IllegalStateException when the socket closed and every message before the close was taken
     */
    synchronized String take(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (received.isEmpty()) {
            if (closedReason != null) {
                throw new IllegalStateException(closedReason);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("no message within " + timeout + " " + unit);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return received.poll();
    }

    synchronized boolean isEmpty() {
        return received.isEmpty();
    }

    /** The socket closed: readers still waiting, and later ones once the messages run out, fail with the reason. */
    synchronized void close(String reason) {
        closedReason = reason;
        notifyAll();
    }
}
