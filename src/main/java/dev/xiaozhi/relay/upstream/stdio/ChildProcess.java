package dev.xiaozhi.relay.upstream.stdio;

import dev.xiaozhi.relay.common.LogFields;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running MCP server process, started with only the environment its spec allows (never the relay's whole
 * environment): stdout read line by line (invalid UTF-8 replaced, over-long lines dropped) and
 * handed to the owning context, stderr logged with the target's name at a bounded rate, stdin written in order off
 * the event loop, exit reported at once. {@link #stop} ends it with TERM, then KILL after a grace, descendants
 * included, without ever waiting behind a write.
 */
final class ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    private static final int MAX_LINE_CHARS = 16 * 1024 * 1024;
    private static final int STDERR_LINES_PER_SECOND = 20;

    private final String target;
    private final Process process;
    private final Context context;

    private ChildProcess(String target, Process process, Context context) {
        this.target = target;
        this.process = process;
        this.context = context;
    }

    /**
     * Starts the process (blocking work runs on a worker).
     *
     * @param onLine called on {@code context} with each stdout line
     * @param onExit called on {@code context} with the exit code
     */
    static Future<ChildProcess> start(Context context, String target, StdioTargetSpec spec, Consumer<String> onLine,
            IntConsumer onExit) {
        return context.executeBlocking(() -> {
            List<String> command = new ArrayList<>();
            command.add(spec.command());
            command.addAll(spec.args());
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().clear();
            builder.environment().putAll(spec.environment());
            spec.cwd().ifPresent(dir -> builder.directory(dir.toFile()));
            Process process = builder.start();
            ChildProcess child = new ChildProcess(target, process, context);
            child.pump("stdout", process.getInputStream(), line -> context.runOnContext(v -> onLine.accept(line)));
            child.pump("stderr", process.getErrorStream(), new RateLimitedLog(target));
            process.onExit().thenAccept(exited -> context.runOnContext(v -> onExit.accept(exited.exitValue())));
            LOG.info("server process started [target: {}, pid: {}]", target, process.pid());
            return child;
        });
    }

    /** The process id. */
    long pid() {
        return process.pid();
    }

    /** Writes one message and a newline to stdin, in order, off the event loop. */
    void send(String json) {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        context.executeBlocking(() -> {
            OutputStream stdin = process.getOutputStream();
            stdin.write(bytes);
            stdin.flush();
            return null;
        }, true).onFailure(e -> LOG.debug("write to server failed [target: {}]: {}", target, e.getMessage()));
    }

    /**
     * Ends the process: TERM to it and its descendants, stdin closed, then KILL after {@code graceMs}; completes once
     * it is gone. Never waits behind a write to a server that stopped reading: it runs outside the queue of writes,
     * and stdin is closed on a thread of its own (a write blocked on a full pipe holds the stream until the process
     * is gone).
     */
    Future<Void> stop(long graceMs) {
        Promise<Void> gone = Promise.promise();
        context.executeBlocking(() -> {
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroy();
            descendants.forEach(ProcessHandle::destroy);
            closeStdin();
            if (!process.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("server process did not stop, killing it [target: {}, pid: {}]", target, process.pid());
                process.destroyForcibly().waitFor();
            }
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            return null;
        }, false).onComplete(done -> gone.complete());
        return gone.future();
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

    private void pump(String name, InputStream stream, Consumer<String> lines) {
        Thread thread = new Thread(() -> readLines(stream, lines), "stdio-" + target + "-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void readLines(InputStream stream, Consumer<String> lines) {
        Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
        StringBuilder line = new StringBuilder();
        boolean overlong = false;
        char[] buffer = new char[8192];
        try {
            for (int read = reader.read(buffer); read >= 0; read = reader.read(buffer)) {
                for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        if (overlong) {
                            LOG.warn("over-long line from server dropped [target: {}]", target);
                        } else if (!line.isEmpty()) {
                            lines.accept(line.toString());
                        }
                        line.setLength(0);
                        overlong = false;
                    } else if (c != '\r' && !overlong) {
                        line.append(c);
                        if (line.length() > MAX_LINE_CHARS) {
                            overlong = true;
                            line.setLength(0);
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("server stream ended [target: {}]: {}", target, e.getMessage());
        }
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
