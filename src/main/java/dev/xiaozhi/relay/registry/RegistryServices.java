package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.auth.ConfiguredDevices;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.registry.store.RegistryStore;
import dev.xiaozhi.relay.registry.store.RegistryStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The registry of a node, started: its durable store opened, the live maps loaded, the configuration imported.
 *
 * @param store     the durable store
 * @param registry  tenants, devices and their endpoints
 * @param providers provider tokens
 */
public record RegistryServices(RegistryStore store, Registry registry, ProviderTokens providers) {

    /** Opens the configured store, starts the registry on its live maps and imports the configuration. */
    public static Future<RegistryServices> start(Vertx vertx, LiveMaps maps, RelayConfig config,
            EndpointCipher cipher, ConfiguredDevices configured) {
        return RegistryStores.open(vertx, config.registry()).compose(store -> Registry.start(vertx, maps,
                store, cipher).compose(registry -> ProviderTokens.start(vertx, maps, store)
                .map(providers -> new RegistryServices(store, registry, providers)))
                .compose(services -> services.importConfig(config, configured).map(services))
                .onFailure(e -> store.close()));
    }

    /** Imports what is new or changed in a configuration's tenants, devices and provider tokens. */
    public Future<Void> importConfig(RelayConfig config, ConfiguredDevices configured) {
        return ConfigImport.run(registry, providers, config, configured);
    }
}
