package dev.xiaozhi.relay.registry;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.UUID;

/**
 * A single Hazelcast member that joins nobody: the live registry of a node that runs alone, so that the laptop and
 * the cluster share one code path. It listens on loopback only.
 */
public final class EmbeddedHazelcast {

    private EmbeddedHazelcast() {
    }

    /** Starts a lone member (blocking: call it off the event loop). */
    public static HazelcastInstance startAlone() {
        Config config = new Config();
        config.setClusterName("xiaozhi-relay-alone-" + UUID.randomUUID());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getNetworkConfig().setPortAutoIncrement(true).getInterfaces().setEnabled(true)
                .addInterface("127.0.0.1");
        config.setProperty("hazelcast.socket.bind.any", "false");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        return Hazelcast.newHazelcastInstance(config);
    }
}
