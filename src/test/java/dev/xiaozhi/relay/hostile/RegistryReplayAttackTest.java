package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.xiaozhi.relay.bus.RecordCodec;
import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.registry.EndpointCipher;
import dev.xiaozhi.relay.registry.IssuedToken;
import dev.xiaozhi.relay.registry.LiveMaps;
import dev.xiaozhi.relay.registry.Registry;
import dev.xiaozhi.relay.registry.Status;
import dev.xiaozhi.relay.registry.Tenant;
import dev.xiaozhi.relay.registry.store.MemoryRegistryStore;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 11: a member of the cluster's Hazelcast without the cluster secret could not forge a registry entry, but it
 * could write back one it had read earlier, correctly tagged, to undo a revocation. Verifies that every node refuses
 * it: also a node that never read the revoked record after its revocation, which learns the newer version from the
 * cluster's own writes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class RegistryReplayAttackTest {

    private static final byte[] TAG_KEY = EndpointCipher.newKey();
    private static final EndpointCipher CIPHER = new EndpointCipher(EndpointCipher.newKey());

    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        members.forEach(HazelcastInstance::shutdown);
    }

    /**
     * GIVEN two nodes A and B of one cluster and a rogue member that read a device's record and token entry
     * WHEN A revokes the device and the rogue writes both entries back as they were
     * THEN neither node admits the revoked token, and B still admits another device.
     */
    @Test
    void anOldRecordWrittenBackIsRefusedByEveryNode(Vertx vertx) throws Exception {
        RecordCodec.registerAll(vertx.eventBus());
        String cluster = "replay-" + UUID.randomUUID();
        int[] ports = FreePorts.take(3);
        HazelcastInstance a = member(vertx, cluster, ports, 0);
        HazelcastInstance b = member(vertx, cluster, ports, 1);
        HazelcastInstance rogue = member(vertx, cluster, ports, 2);
        Registry onA = await(Registry.start(vertx, LiveMaps.clustered(a, TAG_KEY), new MemoryRegistryStore(), CIPHER));
        await(onA.createTenant(new Tenant("acme", "Acme", Status.ACTIVE, new TenantLimits(0, 0, 0, 0, 0),
                ToolRule.ALLOW_ALL, System.currentTimeMillis(), null)));
        IssuedToken kitchen = await(onA.createDevice("acme", "kitchen", "Kitchen", null, null));
        IssuedToken hall = await(onA.createDevice("acme", "hall", "Hall", null, null));
        Registry onB = await(Registry.start(vertx, LiveMaps.clustered(b, TAG_KEY), new MemoryRegistryStore(), CIPHER));
        assertThat(await(onB.authenticate(kitchen.token()))).isPresent();
        IMap<String, String> devices = rogue.getMap("relay.registry.devices");
        IMap<String, String> tokens = rogue.getMap("relay.registry.tokens");
        String hash = TokenHash.ofPlain(kitchen.token()).toString();
        String oldDevice = devices.get("acme/kitchen");
        String oldToken = tokens.get(hash);

        await(onA.revoke("acme", "kitchen"));
        Await.until(vertx, () -> !oldDevice.equals(devices.get("acme/kitchen")) && tokens.get(hash) == null);
        devices.set("acme/kitchen", oldDevice);
        tokens.set(hash, oldToken);

        assertThat(devices.get("acme/kitchen")).isEqualTo(oldDevice);
        assertThat(await(onB.authenticate(kitchen.token()))).isEmpty();
        assertThat(await(onA.authenticate(kitchen.token()))).isEmpty();
        assertThat(await(onB.authenticate(hall.token()))).isPresent();
    }

    /** A member on loopback at {@code ports[index]} that joins the others of {@code ports}. */
    private HazelcastInstance member(Vertx vertx, String cluster, int[] ports, int index) throws Exception {
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.getNetworkConfig().setPort(ports[index]).setPortAutoIncrement(false).getInterfaces().setEnabled(true)
                .addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        for (int port : ports) {
            config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
        }
        HazelcastInstance member = vertx.executeBlocking(() -> Hazelcast.newHazelcastInstance(config))
                .await(60, TimeUnit.SECONDS);
        members.add(member);
        return member;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(20, TimeUnit.SECONDS);
    }
}
