package dev.xiaozhi.relay.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        Path script = MODULES.resolve("@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
        boolean present = Files.exists(script);
        String instruction = "server-everything is not installed: run npm ci --prefix src/test/node";
        if (Boolean.getBoolean("relay.requireNodePeers") && !present) {
            throw new IllegalStateException(instruction);
        }
        assumeTrue(present, instruction);
        return script;
    }
}
