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
 * entry changes. The devices are compared and written under the cluster's import lock and their tenants' locks, so
 * that a node importing the configuration another node imported finds its devices current; those that changed are
 * written in batches of {@value #BATCH}, each durable as one write, so that a start with thousands of new devices
 * waits for a few disk flushes, not one per device.
 */
public final class ConfigImport {

    /** Devices written as one durable write. */
    static final int BATCH = 1000;

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
        Set<String> tenantIds = new HashSet<>();
        devices.devices().forEach(device -> tenantIds.add(device.tenant().id()));
        return Future.all(tenants).compose(v -> registry.importing(tenantIds, () -> importDevices(registry,
                devices)));
    }

    /** Compares every configured device with the registry's and writes those that changed, in batches. */
    private static Future<Void> importDevices(Registry registry, ConfiguredDevices devices) {
        List<Future<Optional<Changed>>> compared = new ArrayList<>();
        devices.devices().forEach(device -> compared.add(compare(registry, device)));
        return Future.all(compared).compose(all -> {
            List<Changed> changed = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                all.<Optional<Changed>>resultAt(i).ifPresent(changed::add);
            }
            if (!changed.isEmpty()) {
                long updated = changed.stream().filter(Changed::replaces).count();
                LOG.info("devices imported from the configuration [created: {}, updated: {}]",
                        changed.size() - updated, updated);
            }
            List<Future<Void>> written = new ArrayList<>();
            for (int from = 0; from < changed.size(); from += BATCH) {
                written.add(write(registry, changed.subList(from, Math.min(changed.size(), from + BATCH))));
            }
            return Future.all(written);
        }).mapEmpty();
    }

    private static Future<Void> write(Registry registry, List<Changed> batch) {
        Set<String> replacing = new HashSet<>();
        batch.stream().filter(Changed::replaces).forEach(changed -> replacing.add(changed.device().key()));
        return registry.putAll(batch.stream().map(Changed::device).toList(), replacing);
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
            LOG.debug("device imported from the configuration [tenant: {}, device: {}, {}]", tenantId, id,
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
