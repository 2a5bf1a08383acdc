package dev.xiaozhi.relay.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The official MCP servers from npm that tests run against, installed by {@code npm ci --prefix src/test/node}
 * ({@code .ci/run} does it). Without them a test is skipped with that instruction; with
 * {@code -Drelay.requireNodePeers=true} (set by {@code .ci/run}) it fails instead.
 */
public final class NodePeers {

    private static final Path MODULES = Path.of("src", "test", "node", "node_modules");

    private NodePeers() {
    }

    /** The entry script of {@code @modelcontextprotocol/server-everything}. */
    public static Path serverEverything() {
        return installed("@modelcontextprotocol/server-everything/dist/index.js", "server-everything");
    }

    /** The entry script of the official MCP conformance suite, {@code @modelcontextprotocol/conformance}. */
    public static Path conformanceSuite() {
        return installed("@modelcontextprotocol/conformance/dist/index.js", "the conformance suite");
    }

    private static Path installed(String file, String name) {
        Path script = MODULES.resolve(file).toAbsolutePath();
        boolean present = Files.exists(script);
        String instruction = name + " is not installed: run npm ci --prefix src/test/node";
        if (Boolean.getBoolean("relay.requireNodePeers") && !present) {
            throw new IllegalStateException(instruction);
        }
        assumeTrue(present, instruction);
        return script;
    }

    /**
     * Starts {@code server-everything} over HTTP ({@code streamableHttp} or {@code sse}) on a port, once it says it
     * listens; the caller destroys the process.
     */
    public static Process serveEverything(String transport, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", serverEverything().toString(), transport);
        builder.environment().put("PORT", Integer.toString(port));
        Process server = builder.start();
        awaitLine(server, "streamableHttp".equals(transport) ? "listening on port" : "running on port");
        return server;
    }

    private static void awaitLine(Process process, String marker) throws Exception {
        BufferedReader stderr = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8));
        for (String line = stderr.readLine(); line != null; line = stderr.readLine()) {
            if (line.contains(marker)) {
                Thread drain = new Thread(() -> stderr.lines().forEach(rest -> { }), "server-everything-stderr");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("server-everything exited before listening");
    }
}
