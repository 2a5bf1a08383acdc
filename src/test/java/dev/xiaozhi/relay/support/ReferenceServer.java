package dev.xiaozhi.relay.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The MCP conformance suite's own reference server ({@code everything-server.ts} of
 * {@code @modelcontextprotocol/conformance} 0.1.13, pinned to the SDK under which the suite passes 40 of 40), on a
 * free port. Its folder ({@code ../shared/conformance/reference-server}, or {@code -Drelay.referenceServer}) is
 * read-only, so it is copied to a temporary folder and installed there with {@code npm ci}; then it runs under
 * {@code node --import tsx} (one process, no install scripts needed) until its "running" line. Its output is kept:
 * it names every session it opens and every one a client deletes. Without the folder a test is skipped, or fails
 * with {@code -Drelay.requireNodePeers=true} (as {@code .ci/run} sets).
 */
public final class ReferenceServer implements AutoCloseable {

    /** What the server prints for each session a client initialized. */
    public static final String SESSION_OPENED = "Session initialized with ID";
    /** What the server prints for each session a client deleted. */
    public static final String SESSION_DELETED = "Received session termination request";

    private static final long INSTALL_TIMEOUT_S = 300;
    private static final long START_TIMEOUT_S = 60;

    private final Process process;
    private final int port;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private ReferenceServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The read-only folder of the pinned reference server. */
    public static Path source() {
        Path folder = Path.of(System.getProperty("relay.referenceServer",
                Path.of("..", "shared", "conformance", "reference-server").toString())).toAbsolutePath().normalize();
        boolean present = Files.isRegularFile(folder.resolve("everything-server.ts"));
        String instruction = "the conformance reference server is not at " + folder
                + " (set -Drelay.referenceServer)";
        if (Boolean.getBoolean("relay.requireNodePeers") && !present) {
            throw new IllegalStateException(instruction);
        }
        assumeTrue(present, instruction);
        return folder;
    }

    /** Copies the server into {@code workDir}, installs it and starts it on a free port. */
    public static ReferenceServer start(Path workDir) throws Exception {
        Path source = source();
        Path copy = workDir.resolve("reference-server");
        copy(source, copy);
        run(copy, INSTALL_TIMEOUT_S, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
        int port = FreePorts.take(1)[0];
        ProcessBuilder builder = new ProcessBuilder("node", "--import", "tsx", "everything-server.ts")
                .directory(copy.toFile()).redirectErrorStream(true);
        builder.environment().put("PORT", Integer.toString(port));
        ReferenceServer server = new ReferenceServer(builder.start(), port);
        server.awaitRunning();
        return server;
    }

    /** The MCP endpoint. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** How many of the server's output lines so far contain {@code marker}. */
    public long count(String marker) {
        return output.stream().filter(line -> line.contains(marker)).count();
    }

    /** Runs a command in a folder to its end, failing when it fails or takes longer than {@code timeoutS}. */
    public static String run(Path folder, long timeoutS, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
                lines.lines().forEach(line -> out.append(line).append('\n'));
            } catch (IOException e) {
                out.append(e);
            }
        }, "command-output");
        reader.start();
        if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " took longer than " + timeoutS + " s");
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "):\n"
                    + out);
        }
        return out.toString();
    }

    private void awaitRunning() throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        boolean[] running = new boolean[1];
        Thread reader = new Thread(() -> {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                    if (line.contains("running on")) {
                        synchronized (running) {
                            running[0] = true;
                            running.notifyAll();
                        }
                    }
                }
            } catch (IOException e) {
                output.add(e.toString());
            }
        }, "reference-server-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        synchronized (running) {
            while (!running[0] && process.isAlive() && System.nanoTime() < deadline) {
                running.wait(100);
            }
        }
        if (!running[0]) {
            close();
            throw new IllegalStateException("the reference server did not start: " + output);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = from.relativize(file);
                if (relative.startsWith("node_modules")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().setWritable(true);
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
