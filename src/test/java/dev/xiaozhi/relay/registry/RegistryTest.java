package dev.xiaozhi.relay.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.xiaozhi.relay.auth.ConfiguredDevices;
import dev.xiaozhi.relay.auth.GeneratedTokenStore;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.RecordCodec;
import dev.xiaozhi.relay.bus.RegistryChange;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.registry.store.FileRegistryStore;
import dev.xiaozhi.relay.registry.store.MemoryRegistryStore;
import dev.xiaozhi.relay.registry.store.RegistryStore;
import dev.xiaozhi.relay.support.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the registry on a real Hazelcast member (the live maps of a cluster, entries tagged) and the file store:
 * tokens, rotation with grace, revocation events, limits, encrypted endpoints and what survives a restart.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class RegistryTest {

    private static final byte[] KEY = EndpointCipher.newKey();
    private static final byte[] TAG_KEY = EndpointCipher.newKey();

    @TempDir
    Path dir;
    private HazelcastInstance hazelcast;
    private RegistryStore store;
    private Registry registry;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        RecordCodec.registerAll(vertx.eventBus());
        open(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        close();
    }

    /** Verifies that a new device's token authenticates it and an unknown token does not. */
    @Test
    void authenticatesIssuedTokens() throws Exception {
        IssuedToken issued = createKitchen();

        Optional<DeviceIdentity> found = await(registry.authenticate(issued.token()));

        assertThat(issued.token()).startsWith("xzr_").hasSize(47);
        assertThat(issued.device().tokenHash()).startsWith("sha256:").doesNotContain(issued.token());
        assertThat(found).hasValueSatisfying(a -> assertThat(a.tenant() + "/" + a.device()).isEqualTo("acme/kitchen"));
        assertThat(await(registry.authenticate("xzr_unknown"))).isEmpty();
    }

    /** Verifies that after a rotation both tokens work within the grace and only the new one after it. */
    @Test
    void keepsTheOldTokenForTheGraceOnly(Vertx vertx) throws Exception {
        IssuedToken first = createKitchen();

        IssuedToken second = await(registry.rotate("acme", "kitchen", Duration.ofMillis(800)));

        assertThat(await(registry.authenticate(second.token()))).isPresent();
        assertThat(await(registry.authenticate(first.token()))).isPresent();
        Await.until(vertx, () -> await(registry.authenticate(first.token())).isEmpty());
        assertThat(await(registry.authenticate(second.token()))).isPresent();
    }

    /**
     * Verifies that new devices are published as changes, and that revoking a device and disabling a tenant stop
     * their tokens and are published as revocations.
     */
    @Test
    void publishesRevocations(Vertx vertx) throws Exception {
        List<RegistryChange> published = new CopyOnWriteArrayList<>();
        vertx.eventBus().<RegistryChange>consumer(EventBusAddresses.REGISTRY_CHANGED, m -> published.add(m.body()))
                .completion().await(5, TimeUnit.SECONDS);
        IssuedToken kitchen = createKitchen();
        IssuedToken hall = await(registry.createDevice("acme", "hall", "Hall", null, null));

        await(registry.revoke("acme", "kitchen"));
        assertThat(await(registry.authenticate(kitchen.token()))).isEmpty();
        assertThat(await(registry.authenticate(hall.token()))).isPresent();
        await(registry.updateTenant("acme", t -> t.with(t.name(), Status.DISABLED, t.limits(), t.policy())));

        assertThat(await(registry.authenticate(hall.token()))).isEmpty();
        Await.until(vertx, () -> published.contains(new RegistryChange(true, "acme", null)));
        assertThat(published).containsSubsequence(new RegistryChange(false, "acme", "kitchen"),
                new RegistryChange(false, "acme", "hall"), new RegistryChange(true, "acme", "kitchen"),
                new RegistryChange(true, "acme", null));
    }

    /** Verifies conflicts, unknown records and the device limit, and that deletes are idempotent. */
    @Test
    void refusesWhatCannotBeDone() throws Exception {
        createKitchen();

        assertThatThrownBy(() -> await(registry.createDevice("acme", "kitchen", "Again", null, null)))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThatThrownBy(() -> await(registry.createDevice("nobody", "x", "X", null, null)))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
        await(registry.createDevice("acme", "hall", "Hall", null, null));
        assertThatThrownBy(() -> await(registry.createDevice("acme", "attic", "Attic", null, null)))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(422));
        await(registry.deleteDevice("acme", "hall"));
        await(registry.deleteDevice("acme", "hall"));
        assertThat(await(registry.devices("acme", null, 10)).items()).extracting(Device::id)
                .containsExactly("kitchen");
    }

    /** Verifies that every acknowledged write survives a restart and endpoints are stored only encrypted. */
    @Test
    void keepsEverythingAcrossARestart(Vertx vertx) throws Exception {
        String endpoint = "wss://api.xiaozhi.me/mcp/?token=eyJhbGciOiJFUzI1NiJ9.secret-part";
        IssuedToken kitchen = await(registry.createTenant(tenant("acme", 2)).compose(t -> registry.createDevice(
                "acme", "kitchen", "Kitchen", endpoint, null)));

        close();
        open(vertx);

        assertThat(await(registry.authenticate(kitchen.token()))).isPresent();
        assertThat(registry.endpoint(await(registry.device("acme", "kitchen")))).contains(endpoint);
        try (var files = Files.list(dir.resolve("registry"))) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file)).doesNotContain("secret-part").doesNotContain(kitchen.token());
            }
        }
    }

    /**
     * Verifies that two nodes importing the same configuration at once write each device once between them, and
     * that each node then reads every device (none refused for its version).
     * GIVEN a second registry on the same cluster maps, with a store of its own, WHEN both import a configuration of
     * 2,500 devices with endpoints at once, THEN the two stores hold 2,500 devices in all and each registry lists
     * and opens all of them.
     */
    @Test
    void writesEachDeviceOnceWhenTwoNodesImportTheSameConfiguration(Vertx vertx) throws Exception {
        int count = 2_500;
        RelayConfig config = ConfigLoader.parse("""
                tenants:
                  acme:
                    devices:
                %s
                """.formatted(IntStream.range(0, count).mapToObj(i -> ("      d%d: {tokenHash: \"%s\", endpoint: "
                + "\"ws://127.0.0.1:1/mcp/?token=t%d\"}").formatted(i, TokenHash.ofPlain("device-" + i), i))
                .collect(Collectors.joining("\n"))), dir, Map.of());
        ConfiguredDevices devices = ConfiguredDevices.load(config, new GeneratedTokenStore(dir));
        MemoryRegistryStore otherStore = new MemoryRegistryStore();
        Registry other = await(Registry.start(vertx, LiveMaps.clustered(hazelcast, TAG_KEY), otherStore,
                new EndpointCipher(KEY)));

        await(Future.all(ConfigImport.run(registry, await(ProviderTokens.start(vertx,
                LiveMaps.clustered(hazelcast, TAG_KEY), store)), config, devices),
                ConfigImport.run(other, await(ProviderTokens.start(vertx, LiveMaps.clustered(hazelcast, TAG_KEY),
                        otherStore)), config, devices)));

        assertThat(storedDevices(store) + storedDevices(otherStore)).isEqualTo(count);
        for (Registry node : List.of(registry, other)) {
            assertThat(await(node.allDevices())).hasSize(count);
            assertThat(await(node.pipeEndpoints())).hasSize(count);
        }
    }

    private static int storedDevices(RegistryStore store) throws Exception {
        return await(store.load()).getOrDefault(Registry.DEVICES, Map.of()).size();
    }

    private IssuedToken createKitchen() throws Exception {
        return await(registry.createTenant(tenant("acme", 2))
                .compose(t -> registry.createDevice("acme", "kitchen", "Kitchen", null, null)));
    }

    private static Tenant tenant(String id, int maxDevices) {
        return new Tenant(id, id, Status.ACTIVE, new TenantLimits(maxDevices, 0, 0, 0, 0), ToolRule.ALLOW_ALL,
                System.currentTimeMillis(), null);
    }

    private void open(Vertx vertx) throws Exception {
        hazelcast = vertx.executeBlocking(RegistryTest::loneMember).await(60, TimeUnit.SECONDS);
        store = FileRegistryStore.open(vertx, dir.resolve("registry/registry.journal")).await(10, TimeUnit.SECONDS);
        registry = Registry.start(vertx, LiveMaps.clustered(hazelcast, TAG_KEY), store, new EndpointCipher(KEY))
                .await(10, TimeUnit.SECONDS);
    }

    private void close() throws Exception {
        store.close().await(10, TimeUnit.SECONDS);
        hazelcast.shutdown();
    }

    /** A Hazelcast member on loopback that joins nobody. */
    private static HazelcastInstance loneMember() {
        Config config = new Config().setClusterName("registry-test-" + UUID.randomUUID());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.getNetworkConfig().setPortAutoIncrement(true).getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        return Hazelcast.newHazelcastInstance(config);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(30, TimeUnit.SECONDS);
    }
}
