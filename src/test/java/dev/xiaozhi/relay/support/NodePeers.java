package dev.xiaozhi.relay.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The official MCP peers from npm that tests run against (servers, and the Inspector's command line), installed by
 * {@code npm ci --prefix src/test/node} ({@code .ci/run} does it). Without them (or without Node.js) a test is skipped
 * with that instruction; with {@code -Drelay.requireNodePeers=true} (set by {@code .ci/run}) it fails instead.
 */
public final class NodePeers {

    private static final Path MODULES = Path.of("src", "test", "node", "node_modules");

    private NodePeers() {
    }

    /** The entry script of {@code @modelcontextprotocol/server-everything}. */
    public static Path serverEverything() {
        return installed("server-everything", "@modelcontextprotocol/server-everything/dist/index.js");
    }

    /**
     * The entry script of the MCP Inspector's command line {@code mcpdo} ({@code @modelcontextprotocol/inspector}),
     * to run with {@code node}; skipped, saying why, when Node.js is missing.
     */
    public static Path inspectorCli() {
        require(nodeRuns(), "node is not on the PATH: install Node.js 20 or later");
        return installed("the MCP Inspector", "@modelcontextprotocol/inspector/clients/mcpdo/build/mcp-bin.js");
    }

    /** The entry script of the official MCP conformance suite, {@code @modelcontextprotocol/conformance}. */
    public static Path conformanceSuite() {
        return installed("the conformance suite", "@modelcontextprotocol/conformance/dist/index.js");
    }

    private static Path installed(String name, String entry) {
        Path script = MODULES.resolve(entry).toAbsolutePath();
        require(Files.exists(script), name + " is not installed: run npm ci --prefix src/test/node");
        return script;
    }

    private static void require(boolean present, String instruction) {
        if (Boolean.getBoolean("relay.requireNodePeers") && !present) {
            throw new IllegalStateException(instruction);
        }
        assumeTrue(present, instruction);
    }

    private static boolean nodeRuns() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            node.getInputStream().readAllBytes();
            return node.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Starts {@code server-everything} over HTTP ({@code streamableHttp} or {@code sse}) on a port, once it says it
     * listens; the caller destroys the process. Its stdout, a line per request, is discarded: a pipe nobody reads
     * fills up and blocks the server.
     */
    public static Process serveEverything(String transport, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", serverEverything().toString(), transport);
        builder.environment().put("PORT", Integer.toString(port));
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
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
