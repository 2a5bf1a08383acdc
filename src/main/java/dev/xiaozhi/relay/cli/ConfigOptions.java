package dev.xiaozhi.relay.cli;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.model.PrefixMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config} option and how a configuration is found and loaded. */
final class ConfigOptions {

    /** Default config file, relative to the working directory. */
    static final Path DEFAULT_CONFIG = Path.of("conf", "relay.yaml");
    private static final String BUNDLED_CONFIG = "/conf/relay.yaml";

    @Option(names = {"-c", "--config"}, paramLabel = "PATH",
            description = "Config file (default: conf/relay.yaml, else the copy bundled in the jar).")
    Path config;

    @Option(names = "--mcp-config", paramLabel = "FILE",
            description = "Add the servers of a Claude-Desktop / mcp_pipe.py mcp_config.json as targets (repeatable).")
    List<Path> mcpConfigs = List.of();

    /** Loads the chosen configuration with the process environment, plus any {@code --mcp-config} files. */
    RelayConfig load() {
        Map<String, String> env = System.getenv();
        RelayConfig loaded = loadFile(env);
        for (Path file : mcpConfigs) {
            loaded = loaded.withMcpConfig(file, env, PrefixMode.ALWAYS);
        }
        return loaded;
    }

    private RelayConfig loadFile(Map<String, String> env) {
        if (config != null || Files.exists(DEFAULT_CONFIG)) {
            return ConfigLoader.load(config != null ? config : DEFAULT_CONFIG, env);
        }
        try (InputStream bundled = ConfigOptions.class.getResourceAsStream(BUNDLED_CONFIG)) {
            if (bundled == null) {
                return ConfigLoader.load(DEFAULT_CONFIG, env);
            }
            return ConfigLoader.parse(new String(bundled.readAllBytes(), StandardCharsets.UTF_8), Path.of("."), env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What was loaded, for messages. */
    String describe() {
        return config != null ? config.toString()
                : Files.exists(DEFAULT_CONFIG) ? DEFAULT_CONFIG.toString() : "bundled conf/relay.yaml";
    }
}
