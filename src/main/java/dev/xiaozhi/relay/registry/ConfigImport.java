package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.auth.ConfiguredDevices.ConfiguredDevice;
import dev.xiaozhi.relay.auth.ConfiguredDevices;
import dev.xiaozhi.relay.config.ProviderTargetSpec;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.TenantConfig;
import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.TokenHash;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the tenants, devices and provider tokens of the configuration file into the registry, idempotently: each
 * record keeps a fingerprint of what the file said, so a start writes only what is new or changed in the file.
 * Changes made through the admin API to a file record (a rotated token, a disabled device) stand until the file's
 * entry changes.
 */
public final class ConfigImport {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigImport.class);

    private ConfigImport() {
    }

    /**
     * Imports every configured tenant and provider token, then every configured device; completes once all are
     * durable.
     */
    public static Future<Void> run(Registry registry, ProviderTokens providers, RelayConfig config,
            ConfiguredDevices devices) {
        List<Future<?>> tenants = new ArrayList<>();
        config.tenants().values().forEach(tenant -> tenants.add(importTenant(registry, tenant)));
        config.targets().values().forEach(target -> {
            if (target.spec() instanceof ProviderTargetSpec provider) {
                tenants.add(providers.importConfigured(target.name(), provider.tokenHash()));
            }
        });
        return Future.all(tenants).compose(v -> {
            List<Future<?>> imported = new ArrayList<>();
            devices.devices().forEach(device -> imported.add(importDevice(registry, device)));
            return Future.all(imported);
        }).mapEmpty();
    }

    private static Future<?> importTenant(Registry registry, TenantConfig config) {
        String fingerprint = fingerprint(config.name(), config.policy().toString(), config.limits().toString());
        return registry.tenant(config.id()).map(Optional::of).recover(e -> notFound(e)).compose(existing -> {
            if (existing.isPresent() && fingerprint.equals(existing.get().fingerprint())) {
                return Future.succeededFuture();
            }
            Tenant tenant = existing.map(t -> new Tenant(t.id(), config.name(), t.status(), config.limits(),
                    config.policy(), t.createdAt(), fingerprint))
                    .orElseGet(() -> new Tenant(config.id(), config.name(), Status.ACTIVE, config.limits(),
                            config.policy(), System.currentTimeMillis(), fingerprint));
            LOG.info("tenant imported from the configuration [tenant: {}, {}]", config.id(),
                    existing.isPresent() ? "updated" : "created");
            return registry.put(tenant, existing.isPresent());
        });
    }

    private static Future<?> importDevice(Registry registry, ConfiguredDevice configured) {
        String tenantId = configured.tenant().id();
        String id = configured.device().id();
        String endpoint = configured.device().endpoint().orElse(null);
        String fingerprint = fingerprint(configured.device().name(), configured.hash().toString(),
                endpoint == null ? "" : TokenHash.ofPlain(endpoint).hex());
        return registry.device(tenantId, id).map(Optional::of).recover(e -> notFound(e)).compose(existing -> {
            if (existing.isPresent() && fingerprint.equals(existing.get().fingerprint())) {
                return Future.succeededFuture();
            }
            long createdAt = existing.map(Device::createdAt).orElse(System.currentTimeMillis());
            Status status = existing.map(Device::status).orElse(Status.ACTIVE);
            Device device = new Device(tenantId, id, configured.device().name(), status, configured.hash().toString(),
                    null, 0, createdAt, registry.encrypt(endpoint), existing.map(Device::policy).orElse(null),
                    fingerprint);
            LOG.info("device imported from the configuration [tenant: {}, device: {}, {}]", tenantId, id,
                    existing.isPresent() ? "updated" : "created");
            return registry.put(device, existing.isPresent());
        });
    }

    private static <T> Future<Optional<T>> notFound(Throwable failure) {
        return failure instanceof ClientErrorException e && e.status() == 404 ? Future.succeededFuture(Optional.empty())
                : Future.failedFuture(failure);
    }

    private static String fingerprint(String... parts) {
        return TokenHash.ofPlain(String.join("\u0000", parts)).hex();
    }
}
