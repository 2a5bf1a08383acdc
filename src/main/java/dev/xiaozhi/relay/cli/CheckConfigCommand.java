package dev.xiaozhi.relay.cli;

import dev.xiaozhi.relay.config.RelayConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code check-config [--config PATH]}: validates a configuration and exits non-zero with the reason if bad. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validates a configuration file; exits 2 with the bad key and what was expected.")
final class CheckConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() {
        RelayConfig config = configOptions.load();
        int devices = config.tenants().values().stream().mapToInt(t -> t.devices().size()).sum();
        System.out.println(configOptions.describe() + ": ok (" + config.targets().size() + " targets, "
                + config.tenants().size() + " tenants, " + devices + " devices)");
        return 0;
    }
}
