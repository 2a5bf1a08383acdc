package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.auth.ConfiguredDevices.PipeEndpoint;
import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.auth.Tokens;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.RegistryChange;
import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.model.ToolPolicy;
import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.registry.store.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live registry of tenants and devices: {@link LiveMaps} shared by every member of a cluster (or of this
 * process alone on a single node), each write made durable in the {@link RegistryStore} before it completes.
 * Writes run one at a time, in order. Tokens are kept only as hashes, indexed for the handshake; revoking or
 * changing a device or tenant is published on {@link EventBusAddresses#REGISTRY_CHANGED} so that every node closes
 * or refreshes its sessions.
 */
public final class Registry implements DeviceDirectory {

    /** Store collection of tenants. */
    public static final String TENANTS = "tenants";
    /** Store collection of devices. */
    public static final String DEVICES = "devices";

    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    private static final String MAP_PREFIX = "relay.registry.";
    /** How long a node's import of the configuration waits for another node's import to end. */
    private static final long IMPORT_WAIT_MS = 120_000;

    private final Vertx vertx;
    private final DurableMap<Tenant> tenants;
    private final DurableMap<Device> devices;
    private final TokenIndex tokens;
    private final LiveMap lastSeen;
    private final EndpointCipher cipher;
    private final SerialWrites writes = new SerialWrites();

    private Registry(Vertx vertx, LiveMaps maps, RegistryStore store, EndpointCipher cipher) {
        this.vertx = vertx;
        this.tenants = new DurableMap<>(vertx, maps.map(MAP_PREFIX + TENANTS), store, TENANTS, Tenant.class,
                true);
        this.devices = new DurableMap<>(vertx, maps.map(MAP_PREFIX + DEVICES), store, DEVICES, Device.class,
                false);
        this.tokens = new TokenIndex(vertx, maps.map(MAP_PREFIX + "tokens"));
        this.lastSeen = maps.map(MAP_PREFIX + "last-seen");
        this.cipher = cipher;
    }

    /**
     * Starts the registry; the first member loads the durable store into the live maps and indexes the tokens.
     * Records of the {@link PreviousRelease previous release} are upgraded in the store first, and endpoints that
     * only this node's previous key opens are encrypted again with its key.
     */
    public static Future<Registry> start(Vertx vertx, LiveMaps maps, RegistryStore store, EndpointCipher cipher) {
        return store.load().compose(stored -> upgraded(store, stored))
                .compose(stored -> RegistryLocks.under(vertx, MAP_PREFIX + "load", () -> vertx.executeBlocking(
                        () -> loaded(new Registry(vertx, maps, store, cipher), stored), false)))
                .compose(registry -> registry.devices.values()
                        .compose(all -> Future.all(all.stream().map(registry::index).toList())
                                .compose(indexed -> registry.reencrypt(all)))
                        .map(registry));
    }

    /** The registry, its live maps filled from the stored records when it is the first member (blocking). */
    private static Registry loaded(Registry registry, Map<String, Map<String, String>> stored) {
        if (registry.tenants.isEmpty() && registry.devices.isEmpty()) {
            Map<String, String> storedTenants = stored.getOrDefault(TENANTS, Map.of());
            Map<String, String> storedDevices = stored.getOrDefault(DEVICES, Map.of());
            registry.tenants.load(storedTenants);
            registry.devices.load(storedDevices);
            LOG.info("registry loaded [tenants: {}, devices: {}]", storedTenants.size(), storedDevices.size());
        }
        return registry;
    }

    /** The stored records with the previous release's tenants upgraded, each upgrade durable first. */
    private static Future<Map<String, Map<String, String>>> upgraded(RegistryStore store,
            Map<String, Map<String, String>> stored) {
        Map<String, String> tenants = PreviousRelease.upgradedTenants(stored.getOrDefault(TENANTS, Map.of()));
        if (tenants.isEmpty()) {
            return Future.succeededFuture(stored);
        }
        Map<String, Map<String, String>> records = new TreeMap<>(stored);
        Map<String, String> allTenants = new TreeMap<>(stored.get(TENANTS));
        allTenants.putAll(tenants);
        records.put(TENANTS, allTenants);
        return Future.all(tenants.entrySet().stream().map(t -> store.put(TENANTS, t.getKey(), t.getValue())).toList())
                .onSuccess(v -> LOG.info("registry upgraded: tenants of the previous release get the default "
                        + "sessions per device [tenants: {}]", tenants.size()))
                .map(records);
    }

    /** Encrypts again, with this node's key, the endpoints only its previous key opens (the ciphers on a worker). */
    private Future<Void> reencrypt(List<Device> all) {
        return vertx.executeBlocking(() -> all.stream().flatMap(d -> PreviousRelease.reencrypted(d, cipher).stream())
                .toList(), false).compose(upgraded -> upgraded.isEmpty() ? Future.<Void>succeededFuture()
                        : Future.all(upgraded.stream().map(d -> put(d, true)).toList())
                                .onSuccess(v -> LOG.info("registry upgraded: endpoints encrypted again with the "
                                        + "configured key [devices: {}]", upgraded.size())).<Void>mapEmpty());
    }

    // --- tenants

    /** Creates a tenant; 409 when the id is taken (on any node). */
    public Future<Tenant> createTenant(Tenant tenant) {
        return serially(tenant.id(), () -> tenants.get(tenant.id()).compose(existing -> {
            if (existing.isPresent()) {
                return Future.failedFuture(ClientErrorException.conflict("tenant " + tenant.id()));
            }
            return tenants.put(tenant.id(), tenant).map(tenant);
        }));
    }

    /** A tenant; 404 when unknown. */
    public Future<Tenant> tenant(String id) {
        return tenants.get(id).map(found -> found.orElseThrow(() -> ClientErrorException.notFound("tenant " + id)));
    }

    /** A page of tenants in id order. */
    public Future<Page<Tenant>> tenants(String cursor, int limit) {
        return tenants.values().map(all -> Page.of(all, Tenant::id, cursor, limit));
    }

    /** Changes a tenant; disabling it closes its devices' sessions everywhere, other changes refresh them. */
    public Future<Tenant> updateTenant(String id, UnaryOperator<Tenant> change) {
        return serially(id, () -> tenant(id).compose(current -> {
            Tenant updated = change.apply(current);
            return tenants.put(id, updated).map(v -> {
                publish(new RegistryChange(updated.status() == Status.DISABLED, id, null));
                return updated;
            });
        }));
    }

    /** Deletes a tenant and its devices and closes their sessions; deleting an unknown tenant is fine. */
    public Future<Void> deleteTenant(String id) {
        return serially(id, () -> devicesOf(id)
                .compose(owned -> Future.all(owned.stream().map(this::removeDevice).toList()))
                .compose(v -> tenants.delete(id))
                .onSuccess(v -> publish(new RegistryChange(true, id, null))));
    }

    // --- devices

    /**
     * Creates a device with a new token, shown once; 404 for an unknown tenant, 409 for a taken id, 422 over the
     * tenant's device limit. Both checks hold across the nodes of a cluster.
     *
     * @param endpoint its outbound Xiaozhi endpoint, or null
     * @param policy   narrows its tenant's policy, or null
     */
    public Future<IssuedToken> createDevice(String tenantId, String id, String name, String endpoint,
            ToolRule policy) {
        return serially(tenantId, () -> tenant(tenantId).compose(tenant -> devicesOf(tenantId)
                .compose(owned -> addDevice(tenant, owned, id, name, endpoint, policy))));
    }

    private Future<IssuedToken> addDevice(Tenant tenant, List<Device> owned, String id, String name, String endpoint,
            ToolRule policy) {
        String tenantId = tenant.id();
        if (owned.stream().anyMatch(d -> d.id().equals(id))) {
            return Future.failedFuture(ClientErrorException.conflict("device " + Device.key(tenantId, id)));
        }
        int max = tenant.limits().maxDevices();
        if (max > 0 && owned.size() >= max) {
            return Future.failedFuture(ClientErrorException.refused("tenant " + tenantId
                    + " has reached its limit of " + max + " devices"));
        }
        String token = Tokens.generateToken();
        Device device = new Device(tenantId, id, name, Status.ACTIVE, TokenHash.ofPlain(token).toString(), null,
                0, System.currentTimeMillis(), encrypt(endpoint), policy, null);
        return saveDevice(device).map(v -> {
            publish(new RegistryChange(false, tenantId, id));
            return new IssuedToken(device, token);
        });
    }

    /** A device; 404 when unknown. */
    public Future<Device> device(String tenantId, String id) {
        String key = Device.key(tenantId, id);
        return devices.get(key).map(found -> found.orElseThrow(() -> ClientErrorException.notFound("device " + key)));
    }

    /** A page of a tenant's devices in id order; 404 for an unknown tenant. */
    public Future<Page<Device>> devices(String tenantId, String cursor, int limit) {
        return tenant(tenantId).compose(t -> devicesOf(tenantId)).map(all -> Page.of(all, Device::id, cursor, limit));
    }

    /** Every device of every tenant, in key order (tenant, then id). */
    public Future<List<Device>> allDevices() {
        return devices.values();
    }

    /** Changes a device's name, status, endpoint or policy; disabling it closes its sessions everywhere. */
    public Future<Device> updateDevice(String tenantId, String id, UnaryOperator<Device> change) {
        return serially(tenantId, () -> device(tenantId, id).compose(current -> {
            Device updated = change.apply(current);
            return saveDevice(updated).map(v -> {
                publish(new RegistryChange(updated.status() == Status.DISABLED, tenantId, id));
                return updated;
            });
        }));
    }

    /**
     * Issues a new token, shown once; the old one keeps working for {@code grace}. The change is published, so that
     * on every node the sessions opened with a token this rotation retires close when their token stops working: at
     * once without grace, at the end of the grace otherwise.
     */
    public Future<IssuedToken> rotate(String tenantId, String id, Duration grace) {
        String token = Tokens.generateToken();
        long until = grace.isZero() ? 0 : System.currentTimeMillis() + grace.toMillis();
        return serially(tenantId, () -> device(tenantId, id).compose(current -> replaceToken(current,
                current.withToken(TokenHash.ofPlain(token).toString(), until), false)))
                .map(rotated -> new IssuedToken(rotated, token));
    }

    /**
     * Revokes a device: it is disabled, its live sessions close on every node, and its tokens are replaced by one
     * nobody holds, so that no later change brings a revoked token back; a rotation issues the next one.
     */
    public Future<Device> revoke(String tenantId, String id) {
        return serially(tenantId, () -> device(tenantId, id).compose(current -> replaceToken(current,
                current.with(current.name(), Status.DISABLED, current.encryptedEndpoint(), current.policy())
                        .withToken(TokenHash.ofPlain(Tokens.generateToken()).toString(), 0), true)));
    }

    /**
     * Stores a device whose token changed; hashes it no longer accepts leave the index, and with {@code closing}
     * its live sessions close, otherwise they refresh (and those of a token it no longer accepts close then).
     */
    private Future<Device> replaceToken(Device current, Device next, boolean closing) {
        return saveDevice(next).map(v -> {
            for (String hash : new String[] {current.tokenHash(), current.previousTokenHash()}) {
                if (hash != null && !hash.equals(next.tokenHash()) && !hash.equals(next.previousTokenHash())) {
                    tokens.remove(hash);
                }
            }
            publish(new RegistryChange(closing, next.tenant(), next.id()));
            return next;
        });
    }

    /** Deletes a device and closes its sessions; deleting an unknown device is fine. */
    public Future<Void> deleteDevice(String tenantId, String id) {
        return serially(tenantId, () -> devices.get(Device.key(tenantId, id)).compose(found -> found.isEmpty()
                ? Future.succeededFuture() : removeDevice(found.get())));
    }

    /** A device's outbound endpoint, decrypted. */
    public Optional<String> endpoint(Device device) {
        return Optional.ofNullable(device.encryptedEndpoint()).map(cipher::decrypt);
    }

    /** The outbound pipes the registry asks for: every active device of an active tenant with an endpoint. */
    public Future<List<PipeEndpoint>> pipeEndpoints() {
        return devices.values().compose(all -> {
            List<Future<Optional<PipeEndpoint>>> pipes = all.stream().filter(d -> d.encryptedEndpoint() != null
                    && d.status() == Status.ACTIVE).map(d -> identity(d).map(identity -> identity.flatMap(
                            i -> decrypted(d).map(url -> new PipeEndpoint(i, url))))).toList();
            return Future.all(pipes).map(done -> pipes.stream().flatMap(f -> f.result().stream()).toList());
        });
    }

    /** A device's endpoint, or empty (with a warning) when this node's key cannot decrypt it. */
    private Optional<String> decrypted(Device device) {
        try {
            return endpoint(device);
        } catch (IllegalStateException e) {
            LOG.warn("endpoint skipped [tenant: {}, device: {}]: {}", device.tenant(), device.id(), e.getMessage());
            return Optional.empty();
        }
    }

    /** When a device last connected since the registry's members started, if it did. */
    public Future<Optional<Long>> lastSeen(Device device) {
        return Future.fromCompletionStage(lastSeen.get(device.key()), vertx.getOrCreateContext())
                .map(seen -> Optional.ofNullable(seen).map(Long::valueOf));
    }

    /** Encrypts an endpoint for storing; null stays null. */
    public String encrypt(String endpoint) {
        return endpoint == null ? null : cipher.encrypt(endpoint);
    }


    /**
     * Runs the configuration's import of devices after this node's earlier writes, under the cluster's import lock
     * and then the lock of each of the tenants (in id order, so that two holders never wait on each other): no other
     * node's import and no other write of those tenants' records runs meanwhile. What {@code work} reads is current
     * and what it writes follows every earlier version of those keys, so a node that imports the same
     * configuration after another finds its devices current and writes none of them again.
     */
    <T> Future<T> importing(Collection<String> tenantIds, Supplier<Future<T>> work) {
        List<String> ordered = List.copyOf(new TreeSet<>(tenantIds));
        return writes.run(() -> RegistryLocks.under(vertx, MAP_PREFIX + "import", IMPORT_WAIT_MS,
                () -> underTenants(ordered, 0, work)));
    }

    private <T> Future<T> underTenants(List<String> tenantIds, int from, Supplier<Future<T>> work) {
        return from == tenantIds.size() ? work.get() : RegistryLocks.under(vertx,
                MAP_PREFIX + "tenant." + tenantIds.get(from), () -> underTenants(tenantIds, from + 1, work));
    }

    /**
     * Stores devices of the configuration's import as one durable write, only inside {@link #importing}; those
     * that {@code replace} one (keys in {@code replacing}) refresh or close their sessions.
     */
    Future<Void> putAll(List<Device> batch, Set<String> replacing) {
        Map<String, Device> byKey = new LinkedHashMap<>();
        batch.forEach(device -> byKey.put(device.key(), device));
        return devices.putAll(byKey).compose(v -> Future.all(batch.stream().map(this::index).toList()))
                .onSuccess(v -> batch.stream().filter(device -> replacing.contains(device.key())).forEach(
                        device -> publish(new RegistryChange(device.status() == Status.DISABLED, device.tenant(),
                                device.id()))))
                .mapEmpty();
    }

    /** Stores a device, as one serial write; when it {@code replaces} one, its sessions refresh or close. */
    Future<Device> put(Device device, boolean replaces) {
        return serially(device.tenant(), () -> saveDevice(device).map(v -> {
            if (replaces) {
                publish(new RegistryChange(device.status() == Status.DISABLED, device.tenant(), device.id()));
            }
            return device;
        }));
    }

    /** Stores a tenant, as one serial write; when it {@code replaces} one, its sessions refresh. */
    Future<Tenant> put(Tenant tenant, boolean replaces) {
        return serially(tenant.id(), () -> tenants.put(tenant.id(), tenant).map(v -> {
            if (replaces) {
                publish(new RegistryChange(tenant.status() == Status.DISABLED, tenant.id(), null));
            }
            return tenant;
        }));
    }

    // --- authentication

    @Override
    public Future<Optional<DeviceIdentity>> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        String hash = TokenHash.ofPlain(token).toString();
        return tokens.find(hash).compose(key -> {
            if (key == null) {
                return Future.succeededFuture(Optional.empty());
            }
            long now = System.currentTimeMillis();
            return devices.get(key).compose(found -> found.filter(d -> d.accepts(hash, now))
                    .map(device -> identity(device).onSuccess(identity -> identity.ifPresent(
                            i -> lastSeen.set(device.key(), Long.toString(now)))))
                    .orElse(Future.succeededFuture(Optional.empty())));
        });
    }

    @Override
    public Future<Optional<DeviceIdentity>> lookup(String tenant, String device) {
        return devices.get(Device.key(tenant, device)).compose(found -> found
                .filter(d -> d.status() == Status.ACTIVE)
                .map(this::identity)
                .orElse(Future.succeededFuture(Optional.empty())));
    }

    @Override
    public Future<Long> tokenValidUntil(String tenant, String device, String tokenHash) {
        return devices.get(Device.key(tenant, device)).map(found -> found
                .map(d -> d.validUntil(tokenHash, System.currentTimeMillis())).orElse(0L));
    }

    private Future<Optional<DeviceIdentity>> identity(Device device) {
        return tenants.get(device.tenant()).map(tenant -> tenant.filter(t -> t.status() == Status.ACTIVE)
                .map(t -> new DeviceIdentity(t.id(), device.id(),
                        new ToolPolicy(List.of(t.policy())).narrowedBy(device.policy()), t.limits())));
    }

    // --- internals

    /**
     * Runs a write of a tenant's records after this node's earlier writes, under a lock of that tenant shared by
     * every node: no two nodes check a tenant's records (an id taken, a device limit) at once, and writes of one
     * record land in the order of their versions.
     */
    private <T> Future<T> serially(String tenantId, Supplier<Future<T>> write) {
        return writes.run(() -> RegistryLocks.under(vertx, MAP_PREFIX + "tenant." + tenantId, write));
    }

    private Future<List<Device>> devicesOf(String tenantId) {
        return devices.values().map(all -> all.stream().filter(d -> d.tenant().equals(tenantId)).toList());
    }

    private Future<Void> removeDevice(Device device) {
        return devices.delete(device.key()).onSuccess(v -> {
            tokens.remove(device.tokenHash(), device.previousTokenHash());
            lastSeen.remove(device.key());
            publish(new RegistryChange(true, device.tenant(), device.id()));
        });
    }

    private Future<Void> saveDevice(Device device) {
        return devices.put(device.key(), device).compose(v -> index(device));
    }

    private Future<Void> index(Device device) {
        return tokens.index(device.key(), device.tokenHash(), device.previousTokenHash(), device.previousValidUntil());
    }

    private void publish(RegistryChange change) {
        vertx.eventBus().publish(EventBusAddresses.REGISTRY_CHANGED, change);
    }
}
