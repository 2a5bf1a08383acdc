package dev.xiaozhi.relay.upstream.stdio;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes messages to a child's stdin in order, on a thread of its own (a child that stops reading blocks that thread,
 * never a worker of the pool), with at most {@link #MAX_QUEUED_BYTES} waiting: past that, a message is refused
 * rather than queued, so a child that does not read costs a bounded amount of memory.
 */
final class StdinWriter {

    /** Bytes waiting to be written at most; a message is taken whatever its size while nothing waits. */
    static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(StdinWriter.class);

    private final String target;
    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final Thread thread;

    StdinWriter(String target, OutputStream stdin) {
        this.target = target;
        this.thread = new Thread(() -> write(stdin), "stdio-" + target + "-stdin");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues one message; false when the child has {@link #MAX_QUEUED_BYTES} waiting already. */
    boolean offer(byte[] message) {
        long before = queued.getAndAdd(message.length);
        if (before > 0 && before + message.length > MAX_QUEUED_BYTES) {
            queued.addAndGet(-message.length);
            return false;
        }
        queue.add(message);
        return true;
    }

    /** Bytes waiting to be written. */
    long queued() {
        return queued.get();
    }

    /** Writes nothing more; the thread ends (a write blocked on the pipe ends when the child is gone). */
    void stop() {
        thread.interrupt();
    }

    private void write(OutputStream stdin) {
        try {
            while (true) {
                byte[] message = queue.take();
                stdin.write(message);
                stdin.flush();
                queued.addAndGet(-message.length);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("write to server failed [target: {}]: {}", target, e.getMessage());
        }
    }
}
