package dev.xiaozhi.relay.target;

import dev.xiaozhi.relay.config.BuiltinTargetSpec;
import dev.xiaozhi.relay.config.HttpTargetSpec;
import dev.xiaozhi.relay.config.ProviderTargetSpec;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.target.builtin.CalculatorToolClient;
import dev.xiaozhi.relay.target.builtin.DiagnosticsToolClient;
import dev.xiaozhi.relay.target.http.HttpToolClient;
import dev.xiaozhi.relay.target.provider.ProviderSlots;
import dev.xiaozhi.relay.target.provider.ProviderToolClient;
import dev.xiaozhi.relay.target.stdio.StdioToolClient;
import io.vertx.core.Vertx;

/** Creates the {@link ToolClient} a target's configuration asks for. */
public final class TargetClients {

    private TargetClients() {
    }

    /** The client for a target. */
    public static ToolClient create(Vertx vertx, TargetConfig config, ProviderSlots providers) {
        if (config.spec() instanceof BuiltinTargetSpec builtin) {
            return switch (builtin.builtin()) {
                case CalculatorToolClient.BUILTIN_NAME -> new CalculatorToolClient();
                case DiagnosticsToolClient.BUILTIN_NAME -> new DiagnosticsToolClient(vertx);
                default -> throw new IllegalArgumentException("unknown builtin target: " + builtin.builtin());
            };
        }
        if (config.spec() instanceof ProviderTargetSpec provider) {
            return new ProviderToolClient(vertx, config, provider, providers);
        }
        if (config.spec() instanceof HttpTargetSpec http) {
            return new HttpToolClient(vertx, config, http);
        }
        if (config.spec() instanceof StdioTargetSpec stdio) {
            return new StdioToolClient(vertx, config, stdio);
        }
        throw new IllegalArgumentException("unsupported target spec: " + config.spec());
    }
}
