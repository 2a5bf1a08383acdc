package dev.xiaozhi.relay.upstream;

import dev.xiaozhi.relay.config.AuthConfig;
import dev.xiaozhi.relay.config.BuiltinTargetSpec;
import dev.xiaozhi.relay.config.HttpTargetSpec;
import dev.xiaozhi.relay.config.OpenApiTargetSpec;
import dev.xiaozhi.relay.config.ProviderTargetSpec;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.ops.history.NodeHistory;
import dev.xiaozhi.relay.secret.SecretResolver;
import dev.xiaozhi.relay.upstream.builtin.CalculatorToolClient;
import dev.xiaozhi.relay.upstream.builtin.DiagnosticsToolClient;
import dev.xiaozhi.relay.upstream.http.HttpToolClient;
import dev.xiaozhi.relay.upstream.openapi.OpenApiToolClient;
import dev.xiaozhi.relay.upstream.provider.ProviderSlots;
import dev.xiaozhi.relay.upstream.provider.ProviderToolClient;
import dev.xiaozhi.relay.upstream.stdio.StdioToolClient;
import io.vertx.core.Vertx;
import java.util.Map;

/** Creates the {@link ToolClient} a target's configuration asks for. */
public final class TargetClients {

    private TargetClients() {
    }

    /**
     * The client for a target.
     *
     * @param providers         where inbound tool providers attach
     * @param secrets           resolves the secrets targets reference
     * @param tenantCredentials tenants' own credentials for this target, by tenant id
     * @param history           where a server process's restarts are kept
     */
    public static ToolClient create(Vertx vertx, TargetConfig config, ProviderSlots providers, SecretResolver secrets,
            Map<String, AuthConfig> tenantCredentials, NodeHistory history) {
        if (config.spec() instanceof BuiltinTargetSpec builtin) {
            return builtin(vertx, builtin);
        }
        if (config.spec() instanceof ProviderTargetSpec provider) {
            return new ProviderToolClient(vertx, config, provider, providers);
        }
        if (config.spec() instanceof HttpTargetSpec http) {
            return new HttpToolClient(vertx, config, http);
        }
        if (config.spec() instanceof OpenApiTargetSpec openApi) {
            return new OpenApiToolClient(vertx, config, openApi, secrets, tenantCredentials);
        }
        if (config.spec() instanceof StdioTargetSpec stdio) {
            return new StdioToolClient(vertx, config, stdio, history);
        }
        throw new IllegalArgumentException("unsupported target spec: " + config.spec());
    }

    /** The client of a built-in target. */
    public static ToolClient builtin(Vertx vertx, BuiltinTargetSpec spec) {
        return switch (spec.builtin()) {
            case CalculatorToolClient.BUILTIN_NAME -> new CalculatorToolClient();
            case DiagnosticsToolClient.BUILTIN_NAME -> new DiagnosticsToolClient(vertx);
            default -> throw new IllegalArgumentException("unknown builtin target: " + spec.builtin());
        };
    }
}
