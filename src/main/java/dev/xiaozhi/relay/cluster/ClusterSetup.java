package dev.xiaozhi.relay.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.instance.EndpointQualifier;
import dev.xiaozhi.relay.config.ClusterConfig;
import dev.xiaozhi.relay.config.ConfigException;
import dev.xiaozhi.relay.config.RelayConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns the {@code cluster} settings into a Hazelcast member configuration (the XML file, with this node's port,
 * address and join method applied) and the clustered event bus's options. The member speaks to members only: its
 * network is Hazelcast's advanced network with a member endpoint and no client endpoint, bound to this node's
 * address alone, and its cluster name derives from the cluster secret. The event bus runs on TLS with client
 * certificates required.
 */
public final class ClusterSetup {

    private ClusterSetup() {
    }

    /**
     * The keys of a clustered node's secret.
     *
     * @throws ConfigException without {@code cluster.secret} or {@code registry.encryptionKey}
     */
    public static ClusterKeys keys(RelayConfig config) {
        if (config.registry().encryptionKey().isEmpty()) {
            throw new ConfigException("registry.encryptionKey: required when clustered, the same on every member "
                    + "(base64 of 32 bytes, e.g. ${env:RELAY_REGISTRY_KEY}; openssl rand -base64 32)");
        }
        return new ClusterKeys(config.cluster().secret().orElseThrow(() -> new ConfigException("cluster.secret: "
                + "required when clustered, the same on every member (at least " + ClusterConfig.MIN_SECRET_LENGTH
                + " characters, e.g. ${env:RELAY_CLUSTER_SECRET}; openssl rand -base64 32)")));
    }

    /**
     * The Hazelcast configuration of this node.
     *
     * @throws ConfigException when the XML file cannot be read
     */
    public static Config hazelcast(ClusterConfig cluster, ClusterKeys keys) {
        Config config;
        try {
            config = new XmlConfigBuilder(cluster.hazelcastConfig().toString()).build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cluster.hazelcastConfig: cannot read " + cluster.hazelcastConfig() + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        config.setClusterName(keys.clusterName());
        config.setProperty("hazelcast.socket.bind.any", "false");
        ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
        member.setProtocolType(EndpointQualifier.MEMBER.getType());
        member.setPort(cluster.hazelcastPort()).setPortAutoIncrement(false);
        cluster.host().ifPresent(host -> {
            member.setPublicAddress(host + ":" + cluster.hazelcastPort());
            member.setInterfaces(new InterfacesConfig().setEnabled(true).addInterface(host));
            config.setProperty("hazelcast.local.localAddress", host);
        });
        AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true)
                .setJoin(config.getNetworkConfig().getJoin());
        network.setEndpointConfigs(Map.of(EndpointQualifier.MEMBER, member));
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

    /**
     * The clustered event bus: a pinned port, this node's address when one is set, and TLS both ways (this member's
     * certificate presented, a peer's required and checked against the cluster's CA).
     *
     * @throws ConfigException without {@code cluster.tls}, or when one of its files cannot be read
     */
    public static EventBusOptions eventBus(ClusterConfig cluster) {
        ClusterConfig.Tls tls = cluster.tls().orElseThrow(() -> new ConfigException("cluster.tls: required when "
                + "clustered: {key, cert, ca}, PEM files of this member's key and certificate and of the CA that "
                + "signs every member's certificate"));
        readable("cluster.tls.key", tls.key());
        readable("cluster.tls.cert", tls.cert());
        readable("cluster.tls.ca", tls.ca());
        EventBusOptions options = new EventBusOptions().setPort(cluster.eventBusPort()).setTcpNoDelay(true)
                .setSsl(true).setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(tls.key().toString())
                        .setCertPath(tls.cert().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()));
        cluster.host().ifPresent(host -> options.setHost(host).setClusterPublicHost(host));
        return options;
    }

    private static void readable(String key, Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException(key + ": cannot read " + file);
        }
    }
}
