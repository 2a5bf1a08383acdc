package dev.xiaozhi.relay.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.xiaozhi.relay.config.ClusterConfig;
import dev.xiaozhi.relay.config.ConfigException;
import io.vertx.core.eventbus.EventBusOptions;
import java.io.IOException;

/**
 * Turns the {@code cluster} settings into a Hazelcast member configuration (the XML file, with this node's port,
 * address and join method applied) and the clustered event bus's options.
 */
public final class ClusterSetup {

    private ClusterSetup() {
    }

    /**
     * The Hazelcast configuration of this node.
     *
     * @throws ConfigException when the XML file cannot be read
     */
    public static Config hazelcast(ClusterConfig cluster) {
        Config config;
        try {
            config = new XmlConfigBuilder(cluster.hazelcastConfig().toString()).build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cluster.hazelcastConfig: cannot read " + cluster.hazelcastConfig() + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(cluster.hazelcastPort()).setPortAutoIncrement(false);
        cluster.host().ifPresent(host -> {
            network.setPublicAddress(host + ":" + cluster.hazelcastPort());
            network.getInterfaces().setEnabled(true).clear().addInterface(host);
            config.setProperty("hazelcast.local.localAddress", host);
        });
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        if (cluster.kubernetesService().isPresent()) {
            join.getTcpIpConfig().setEnabled(false);
            join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", cluster.kubernetesService().get())
                    .setProperty("service-port", String.valueOf(cluster.hazelcastPort()));
        } else if (!cluster.members().isEmpty()) {
            join.getKubernetesConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
        }
        return config;
    }

    /** The clustered event bus: a pinned port, and this node's address when one is set. */
    public static EventBusOptions eventBus(ClusterConfig cluster) {
        EventBusOptions options = new EventBusOptions().setPort(cluster.eventBusPort()).setTcpNoDelay(true);
        cluster.host().ifPresent(host -> options.setHost(host).setClusterPublicHost(host));
        return options;
    }
}
