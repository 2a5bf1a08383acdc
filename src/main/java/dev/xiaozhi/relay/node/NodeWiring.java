package dev.xiaozhi.relay.node;

import dev.xiaozhi.relay.bus.RecordCodec;
import dev.xiaozhi.relay.config.AuthConfig;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.protocol.ResultTruncator;
import dev.xiaozhi.relay.routing.NodeCatalog;
import dev.xiaozhi.relay.routing.TargetRouter;
import dev.xiaozhi.relay.secret.SecretResolver;
import dev.xiaozhi.relay.upstream.TargetClients;
import dev.xiaozhi.relay.upstream.TargetVerticle;
import dev.xiaozhi.relay.upstream.provider.ProviderSlots;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The parts every node wires the same way into its Vert.x instance, whether it is a relay node or the stand-alone
 * stdio server: the event bus's record codecs, the catalog, the router to target instances, the slots inbound
 * providers attach to, the secret resolver, the target verticles (each with its client and the tenants' own
 * credentials for it) and the context the fronts share. Make one per Vert.x instance.
 */
public final class NodeWiring {

    private final Vertx vertx;
    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final NodeCatalog catalog;
    private final TargetRouter router;
    private final ProviderSlots providers = new ProviderSlots();
    private final SecretResolver secrets;

    /** Wires a Vert.x instance for a configuration; registers the record codecs on its event bus. */
    public NodeWiring(Vertx vertx, RelayConfig config, RelayMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        RecordCodec.registerAll(vertx.eventBus());
        this.catalog = new NodeCatalog(config.server().pageSize());
        this.router = new TargetRouter(vertx.eventBus());
        this.secrets = new SecretResolver(vertx, config.environment(), config.secrets());
    }

    /** The node's catalog (not started). */
    public NodeCatalog catalog() {
        return catalog;
    }

    /** Where inbound tool providers attach. */
    public ProviderSlots providers() {
        return providers;
    }

    /** A new verticle for one of the configuration's targets. */
    public TargetVerticle targetVerticle(TargetConfig target) {
        return new TargetVerticle(target, TargetClients.create(vertx, target, providers, secrets,
                tenantCredentials(target.name()), metrics.history()), metrics, router);
    }

    /**
     * The context the fronts of this node share.
     *
     * @param nodeId names this node in relay-side call ids and progress addresses
     * @param nodes  how many nodes share the tenants' call limits now
     */
    public FrontContext frontContext(String nodeId, IntSupplier nodes) {
        return new FrontContext(catalog, router,
                new ResultTruncator(config.server().maxResultBytes()), nodeId, RelayInfo.version(), nodes);
    }

    /** Releases what the secret resolver holds. */
    public void close() {
        secrets.close();
    }

    /** Tenants' own credentials for a target, by tenant id. */
    private Map<String, AuthConfig> tenantCredentials(String target) {
        Map<String, AuthConfig> byTenant = new LinkedHashMap<>();
        config.tenants().values().forEach(tenant -> {
            AuthConfig auth = tenant.credentials().get(target);
            if (auth != null) {
                byTenant.put(tenant.id(), auth);
            }
        });
        return byTenant;
    }
}
