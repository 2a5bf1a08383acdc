package dev.xiaozhi.relay.cli;

import dev.xiaozhi.relay.config.ConfigException;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.node.RelayNode;
import dev.xiaozhi.relay.protocol.RelayInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code java -jar xiaozhi-relay.jar [--config PATH] [--port N] [--admin-port N] [--cluster]}: runs a relay node
 * until SIGTERM or SIGINT, then drains and exits 0. Subcommands check a config, probe a relay, or serve the
 * calculator over stdio.
 */
@Command(name = "xiaozhi-relay", mixinStandardHelpOptions = true, versionProvider = RelayCommand.Version.class,
        description = "Multi-tenant MCP relay for Xiaozhi voice assistants and any MCP client.",
        subcommands = {CheckConfigCommand.class, ProbeCommand.class, PipeCommand.class, StdioBuiltinCommand.class,
            TenantCommand.class, DeviceCommand.class})
public final class RelayCommand implements Callable<Integer> {

    /** Status returned by the run command: the node runs on and exits on a signal. */
    public static final int KEEP_RUNNING = -1;

    private static final String ENV_PORT = "RELAY_PORT";
    private static final String ENV_ADMIN_PORT = "RELAY_ADMIN_PORT";

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--port", paramLabel = "N",
            description = "Device port (env RELAY_PORT; default from config, 8080).")
    Integer port;

    @Option(names = "--admin-port", paramLabel = "N",
            description = "Admin port: health and metrics (env RELAY_ADMIN_PORT; default from config, 8081).")
    Integer adminPort;

    @Option(names = "--cluster",
            description = "Join a cluster (cluster settings in the config; env RELAY_CLUSTER=true does the same).")
    boolean cluster;

    /** The command line with its error handling set up. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new RelayCommand());
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            err.println(e instanceof ConfigException ? "invalid configuration: " + e.getMessage()
                    : "error: " + e.getMessage());
            err.flush();
            return 2;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        RelayConfig config = configOptions.load();
        Integer chosenPort = port != null ? port : envInteger(ENV_PORT);
        Integer chosenAdminPort = adminPort != null ? adminPort : envInteger(ENV_ADMIN_PORT);
        if (chosenPort != null) {
            config = config.withServerPort(chosenPort);
        }
        if (chosenAdminPort != null) {
            config = config.withAdminPort(chosenAdminPort);
        }
        if (cluster) {
            config = config.withCluster();
        }
        RelayNode node = RelayNode.start(config).await();
        new TokenBanner(System.out).print(node.generatedTokens(), config.server(), node.port());
        Signals.drainOnSignal(node, config.server().shutdownGrace());
        Signals.onHangup(() -> node.reload(configOptions.load())
                .onSuccess(v -> System.err.println("tenants and devices reloaded"))
                .onFailure(e -> System.err.println("reload failed: " + e.getMessage())));
        return KEEP_RUNNING;
    }

    private static Integer envInteger(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": expected a port number");
        }
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] {"xiaozhi-relay " + RelayInfo.version()};
        }
    }
}
