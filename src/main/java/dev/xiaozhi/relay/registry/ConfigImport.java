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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the tenants, devices and provider tokens of the configuration file into the registry, idempotently: each
 * record keeps a fingerprint of what the file said, so a start writes only what is new or changed in the file.
 * Changes made through the admin API to a file record (a rotated token, a disabled device) stand until the file's
 * entry changes. The devices that changed are written one after another, each under its tenant's lock.
 */
public final class ConfigImport {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigImport.class);

    /** A device to write, and whether it replaces one the registry holds. */
    private record Changed(Device device, boolean replaces) {
    }

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
            List<Future<Optional<Changed>>> compared = new ArrayList<>();
            devices.devices().forEach(device -> compared.add(compare(registry, device)));
            return Future.all(compared);
        }).compose(all -> {
            List<Changed> changed = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                all.<Optional<Changed>>resultAt(i).ifPresent(changed::add);
            }
            return write(registry, changed);
        }).mapEmpty();
    }

    private static Future<Void> write(Registry registry, List<Changed> changed) {
        Set<String> replacing = new HashSet<>();
        changed.stream().filter(Changed::replaces).forEach(device -> replacing.add(device.device().key()));
        return registry.putAll(changed.stream().map(Changed::device).toList(), replacing);
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

    /** The device to write when the file's entry is new or changed; empty when the registry has it as it is. */
    private static Future<Optional<Changed>> compare(Registry registry, ConfiguredDevice configured) {
        String tenantId = configured.tenant().id();
        String id = configured.device().id();
        String endpoint = configured.device().endpoint().orElse(null);
        String fingerprint = fingerprint(configured.device().name(), configured.hash().toString(),
                endpoint == null ? "" : TokenHash.ofPlain(endpoint).hex());
        return registry.device(tenantId, id).map(Optional::of).recover(e -> notFound(e)).compose(existing -> {
            if (existing.isPresent() && fingerprint.equals(existing.get().fingerprint())) {
                return Future.succeededFuture(Optional.<Changed>empty());
            }
            long createdAt = existing.map(Device::createdAt).orElse(System.currentTimeMillis());
            Status status = existing.map(Device::status).orElse(Status.ACTIVE);
            Device device = new Device(tenantId, id, configured.device().name(), status, configured.hash().toString(),
                    null, 0, createdAt, registry.encrypt(endpoint), existing.map(Device::policy).orElse(null),
                    fingerprint);
            LOG.info("device imported from the configuration [tenant: {}, device: {}, {}]", tenantId, id,
                    existing.isPresent() ? "updated" : "created");
            return Future.succeededFuture(Optional.of(new Changed(device, existing.isPresent())));
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
