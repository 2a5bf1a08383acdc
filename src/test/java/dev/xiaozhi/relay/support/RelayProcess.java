package dev.xiaozhi.relay.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The relay jar run as a real child process, for tests of the command line, signals and stdio. */
public final class RelayProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("relay ready \\[port: (\\d+), admin port: (\\d+)");

    private final Process process;
    private final Thread reader;
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final CompletableFuture<int[]> ports = new CompletableFuture<>();

    private RelayProcess(Process process) {
        this.process = process;
        reader = new Thread(this::readStderr, "relay-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** The packaged jar, built by {@code mvn package} before the integration tests run. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("relay.jar", "target/xiaozhi-relay.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with mvn verify");
        }
        return jar;
    }

    /** Starts {@code java -jar xiaozhi-relay.jar <args>} with extra environment variables. */
    public static RelayProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return new RelayProcess(builder.start());
    }

    /** Waits for the node's ready line and returns {device port, admin port}. */
    public int[] awaitReady() throws Exception {
        return ports.get(60, TimeUnit.SECONDS);
    }

    /** The process. */
    public Process process() {
        return process;
    }

    /** Sends SIGTERM, keeping the output streams open (unlike {@link Process#destroy()}). */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Everything the process wrote to stderr so far. */
    public String stderr() {
        return String.join("\n", stderr);
    }

    /** Waits for the process to exit, and for its stderr to be read to the end, and returns its status. */
    public int awaitExit() throws Exception {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("relay did not exit; stderr:\n" + stderr());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void readStderr() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                stderr.add(line);
                Matcher ready = READY.matcher(line);
                if (ready.find()) {
                    ports.complete(new int[] {Integer.parseInt(ready.group(1)), Integer.parseInt(ready.group(2))});
                }
            }
        } catch (IOException e) {
            ports.completeExceptionally(e);
        }
        ports.completeExceptionally(new IllegalStateException("relay exited before it was ready:\n" + stderr()));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
