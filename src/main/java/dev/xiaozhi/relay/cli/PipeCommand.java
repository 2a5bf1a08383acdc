package dev.xiaozhi.relay.cli;

import dev.xiaozhi.relay.auth.Tokens;
import dev.xiaozhi.relay.config.ConfigException;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.node.RelayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code MCP_ENDPOINT=wss://… pipe [--mcp-config mcp_config.json]}: a drop-in for {@code mcp_pipe.py}. One agent,
 * the servers of the file as targets, started before the socket connects, all their tools on one socket under the
 * names {@code mcp_pipe.py} showed (prefixed with the server's name only where two servers offer the same tool),
 * reconnected forever, on one event loop (one agent needs no more, and the pipe's session hands its calls to the
 * servers' clients without a hop between threads). {@code MCP_ENDPOINT} and {@code MCP_CONFIG} may also come from a
 * {@code .env} file in the working directory.
 */
@Command(name = "pipe", mixinStandardHelpOptions = true,
        description = "Drop-in for mcp_pipe.py: serves the servers of mcp_config.json on your agent's MCP endpoint.")
final class PipeCommand implements Callable<Integer> {

    private static final String DEFAULT_MCP_CONFIG = "mcp_config.json";

    @Option(names = "--mcp-config", paramLabel = "FILE",
            description = "The mcp_config.json (env MCP_CONFIG; default ./mcp_config.json).")
    Path mcpConfig;

    @Override
    public Integer call() throws IOException {
        Map<String, String> env = new HashMap<>(dotEnv(Path.of(".env")));
        env.putAll(System.getenv());
        String endpoint = env.get("MCP_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            throw new ConfigException("MCP_ENDPOINT: not set; put your agent's wss://api.xiaozhi.me/mcp/?token=… "
                    + "URL there (or in .env)");
        }
        Path file = mcpConfig != null ? mcpConfig : Path.of(env.getOrDefault("MCP_CONFIG", DEFAULT_MCP_CONFIG));
        String yaml = """
                node: {eventLoops: 1}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {host: 127.0.0.1, port: 0, tokens: {local: {tokenHash: "%s"}}}
                registry: {store: memory}
                tenants:
                  local:
                    devices:
                      pipe: {tokenHash: "%s", endpoint: "${env:MCP_ENDPOINT}"}
                """.formatted(TokenHash.ofPlain(Tokens.generateToken()), TokenHash.ofPlain(Tokens.generateToken()));
        RelayConfig config = ConfigLoader.parse(yaml, Path.of("."), env).withMcpConfig(file, env,
                PrefixMode.CONDITIONAL, StdioTargetSpec.INHERIT_ALL);
        RelayNode node = RelayNode.start(config).await();
        Signals.drainOnSignal(node, config.server().shutdownGrace());
        return RelayCommand.KEEP_RUNNING;
    }

    /** KEY=VALUE lines of a .env file (comments, blanks and surrounding quotes ignored); empty when absent. */
    private static Map<String, String> dotEnv(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        if (!Files.exists(file)) {
            return values;
        }
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            int equals = trimmed.indexOf('=');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || equals <= 0) {
                continue;
            }
            String value = trimmed.substring(equals + 1).trim();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(trimmed.substring(0, equals).trim().replaceFirst("^export\\s+", ""), value);
        }
        return values;
    }
}
