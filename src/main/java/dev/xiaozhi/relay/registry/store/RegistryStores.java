package dev.xiaozhi.relay.registry.store;

import dev.xiaozhi.relay.config.RegistryConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Opens the durable store a configuration names. */
public final class RegistryStores {

    private RegistryStores() {
    }

    /** Opens the configured store; fails with a clear message when it cannot be used. */
    public static Future<RegistryStore> open(Vertx vertx, RegistryConfig config) {
        return switch (config.store()) {
            case FILE -> FileRegistryStore.open(vertx, config.file()).map(store -> store);
            case POSTGRES -> PostgresRegistryStore.open(vertx, config.postgres().orElseThrow()).map(store -> store);
            case MEMORY -> Future.succeededFuture(new MemoryRegistryStore());
        };
    }
}
