package dev.xiaozhi.relay.upstream.stdio;

import dev.xiaozhi.relay.common.LogFields;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import dev.xiaozhi.relay.ops.history.StderrTail;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running MCP server process, started with only the environment its spec allows (never the relay's whole
 * environment): stdout read line by line, each at most {@code maxResponseBytes} (invalid UTF-8 replaced, an
 * over-long line dropped as it is read, the first one logged) and handed to the owning context with backpressure (the
 * reader waits while {@value #LINES_IN_FLIGHT} lines' worth wait there), stderr logged with the target's name at a
 * bounded rate, stdin written in order by a {@link StdinWriter} that refuses what a child that stopped reading would
 * pile up, exit reported at once. {@link #stop} ends it with TERM, then KILL after a grace, descendants included,
 * without ever waiting behind a write.
 */
final class ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    private static final int LINES_IN_FLIGHT = 2;
    private static final int MAX_STDERR_LINE_BYTES = 8 * 1024;
    private static final int STDERR_LINES_PER_SECOND = 20;

    /** What the child says on stdout; called on the owning context. */
    interface Output {

        /** One line. */
        void line(String line);

        /** A line over the bound was dropped: its first bytes. */
        void overLong(String head);
    }

    private final String target;
    private final Process process;
    private final StdinWriter stdin;
    private final List<Thread> readers = new ArrayList<>();
    private boolean overLongLogged;

    private ChildProcess(String target, Process process) {
        this.target = target;
        this.process = process;
        this.stdin = new StdinWriter(target, process.getOutputStream());
    }

    /**
     * Starts the process (blocking work runs on a worker).
     *
     * @param output called on {@code context} with what the child writes to stdout
     * @param stderrTail keeps the last lines the child writes to stderr
     * @param onExit called on {@code context} with the exit code
     */
    static Future<ChildProcess> start(Context context, String target, StdioTargetSpec spec, Output output,
            StderrTail stderrTail, IntConsumer onExit) {
        return context.executeBlocking(() -> {
            List<String> command = new ArrayList<>();
            command.add(spec.command());
            command.addAll(spec.args());
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().clear();
            builder.environment().putAll(spec.environment());
            spec.cwd().ifPresent(dir -> builder.directory(dir.toFile()));
            Process process = builder.start();
            ChildProcess child = new ChildProcess(target, process);
            child.readStdout(context, process.getInputStream(), spec.maxResponseBytes(), output);
            RateLimitedLog stderr = new RateLimitedLog(target);
            child.pump("stderr", process.getErrorStream(), MAX_STDERR_LINE_BYTES, new BoundedLineReader.Lines() {
                @Override
                public void line(String line) {
                    stderrTail.add(line);
                    stderr.accept(line);
                }

                @Override
                public void overLong(String head, long bytes) {
                    String cut = head + " [cut at " + MAX_STDERR_LINE_BYTES + " of " + bytes + " bytes]";
                    stderrTail.add(cut);
                    stderr.accept(cut);
                }
            });
            process.onExit().thenAccept(exited -> {
                child.stdin.stop();
                child.readers.forEach(Thread::interrupt);
                context.runOnContext(v -> onExit.accept(exited.exitValue()));
            });
            LOG.info("server process started [target: {}, pid: {}]", target, process.pid());
            return child;
        });
    }

    /**
     * Queues one message and a newline for stdin; false, and nothing queued, when the child has
     * {@link StdinWriter#MAX_QUEUED_BYTES} not yet read.
     */
    boolean send(String json) {
        return stdin.offer((json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes queued for stdin that the child has not read yet. */
    long unread() {
        return stdin.queued();
    }

    /**
     * Ends the process: TERM to it and its descendants, stdin closed, then KILL after {@code graceMs} to whichever of
     * them is still there; completes once it is gone. Never waits behind a write to a server that stopped reading:
     * it runs outside the writer, and stdin is closed on a thread of its own (a write blocked on a full pipe holds
     * the stream until the process is gone).
     */
    Future<Void> stop(long graceMs) {
        Promise<Void> gone = Promise.promise();
        Thread stopper = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
                Set<ProcessHandle> family = new LinkedHashSet<>(process.descendants().toList());
                process.destroy();
                family.forEach(ProcessHandle::destroy);
                closeStdin();
                if (!process.waitFor(remainingMs(deadline), TimeUnit.MILLISECONDS)) {
                    LOG.warn("server process did not stop, killing it [target: {}, pid: {}]", target, process.pid());
                    family.addAll(process.descendants().toList());
                    process.destroyForcibly().waitFor();
                }
                for (ProcessHandle descendant : family) {
                    if (!awaitExit(descendant, remainingMs(deadline))) {
                        LOG.warn("descendant of server process did not stop, killing it [target: {}, pid: {}]",
                                target, descendant.pid());
                        descendant.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                gone.complete();
            }
        }, "stdio-" + target + "-stop");
        stopper.setDaemon(true);
        stopper.start();
        return gone.future();
    }

    private static long remainingMs(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static boolean awaitExit(ProcessHandle handle, long timeoutMs) throws InterruptedException {
        try {
            handle.onExit().get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return !handle.isAlive();
        }
    }

    private void closeStdin() {
        Thread closer = new Thread(() -> {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                LOG.debug("closing stdin failed [target: {}]", target);
            }
        }, "stdio-" + target + "-close");
        closer.setDaemon(true);
        closer.start();
    }

    /** Reads stdout, handing each line to {@code context} and waiting while {@value #LINES_IN_FLIGHT} wait there. */
    private void readStdout(Context context, InputStream stream, int maxBytes, Output output) {
        Semaphore inFlight = new Semaphore(LINES_IN_FLIGHT * maxBytes);
        pump("stdout", stream, maxBytes, new BoundedLineReader.Lines() {
            @Override
            public void line(String line) throws InterruptedException {
                int weight = Math.min(line.length(), maxBytes);
                inFlight.acquire(weight);
                context.runOnContext(v -> {
                    inFlight.release(weight);
                    output.line(line);
                });
            }

            @Override
            public void overLong(String head, long bytes) {
                context.runOnContext(v -> {
                    if (!overLongLogged) {
                        overLongLogged = true;
                        LOG.warn("over-long line from server dropped, and any after it [target: {}, limit: {} bytes,"
                                + " line: {} bytes]", target, maxBytes, bytes);
                    } else {
                        LOG.debug("another over-long line from server dropped [target: {}, line: {} bytes]", target,
                                bytes);
                    }
                    output.overLong(head);
                });
            }
        });
    }

    private void pump(String name, InputStream stream, int maxBytes, BoundedLineReader.Lines lines) {
        Thread thread = new Thread(() -> {
            try {
                new BoundedLineReader(maxBytes).read(stream, lines);
            } catch (IOException e) {
                LOG.debug("server stream ended [target: {}]: {}", target, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stdio-" + target + "-" + name);
        thread.setDaemon(true);
        readers.add(thread);
        thread.start();
    }

    /** Logs a server's stderr with its target's name, at most {@value #STDERR_LINES_PER_SECOND} lines a second. */
    private static final class RateLimitedLog implements Consumer<String> {

        private final String target;
        private long windowStart;
        private int inWindow;
        private int dropped;

        RateLimitedLog(String target) {
            this.target = target;
        }

        @Override
        public void accept(String line) {
            long now = System.nanoTime();
            if (now - windowStart > TimeUnit.SECONDS.toNanos(1)) {
                if (dropped > 0) {
                    LOG.warn("server stderr: {} lines not logged [target: {}]", dropped, target);
                }
                windowStart = now;
                inWindow = 0;
                dropped = 0;
            }
            if (++inWindow <= STDERR_LINES_PER_SECOND) {
                LOG.info("server stderr [target: {}]: {}", target, LogFields.escape(line));
            } else {
                dropped++;
            }
        }
    }
}
