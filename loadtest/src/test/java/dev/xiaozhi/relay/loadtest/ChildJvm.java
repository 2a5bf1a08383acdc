package dev.xiaozhi.relay.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process of its own, watched for the line that says it is ready: the relay jar, a server of this project (run
 * with this JVM's class path), the seed's {@code mcp_pipe.py}. Its CPU time and memory are read from the operating
 * system's accounting of that process alone.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Pattern ready;
    private final CompletableFuture<Matcher> readyLine = new CompletableFuture<>();
    private final ConcurrentLinkedQueue<String> lastLines = new ConcurrentLinkedQueue<>();
    private final long startedNanos = System.nanoTime();
    private volatile long readyNanos;

    private ChildJvm(Process process, Pattern ready) {
        this.process = process;
        this.ready = ready;
        read(process.getInputStream(), "stdout");
        read(process.getErrorStream(), "stderr");
    }

    /** Starts {@code command} with extra environment variables, waiting for a line matching {@code ready}. */
    public static ChildJvm start(List<String> command, Map<String, String> env, Path dir, Pattern ready)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        return new ChildJvm(builder.start(), ready);
    }

    /** Starts {@code main} of this project in a JVM of its own with the given JVM options and arguments. */
    public static ChildJvm startMain(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(args));
        return start(command, Map.of(), Path.of("."), Pattern.compile("listening \\[port: (\\d+)]"));
    }

    /** The {@code java} of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits for the ready line and returns its match. */
    public Matcher awaitReady(long seconds) throws Exception {
        return readyLine.get(seconds, TimeUnit.SECONDS);
    }

    /** {@link System#nanoTime()} when the process was started. */
    public long startedNanos() {
        return startedNanos;
    }

    /** Seconds from the start of the process to its ready line. */
    public double secondsToReady() {
        return (readyNanos - startedNanos) / 1e9;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** CPU time the process used so far (user and system), in nanoseconds. */
    public long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** The process's peak resident set (VmHWM), in KiB. */
    public long peakRssKb() throws IOException {
        return ProcessMeter.statusKb(pid(), "VmHWM");
    }

    /** The last lines it printed, for a failure's message. */
    public String lastLines() {
        return String.join("\n", lastLines);
    }

    @Override
    public void close() throws Exception {
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void read(java.io.InputStream stream, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    lastLines.add(line);
                    if (lastLines.size() > 40) {
                        lastLines.poll();
                    }
                    Matcher match = ready.matcher(line);
                    if (!readyLine.isDone() && match.find()) {
                        readyNanos = System.nanoTime();
                        readyLine.complete(match);
                    }
                }
            } catch (IOException e) {
                readyLine.completeExceptionally(e);
            }
            readyLine.completeExceptionally(new IllegalStateException(
                    "process exited before it was ready:\n" + lastLines()));
        }, "child-" + name);
        reader.setDaemon(true);
        reader.start();
    }
}
