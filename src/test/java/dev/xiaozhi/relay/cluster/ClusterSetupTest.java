package dev.xiaozhi.relay.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.EndpointQualifier;
import dev.xiaozhi.relay.config.ConfigException;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.support.ClusterCertificates;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies what a clustered node requires at start (the cluster secret, the registry key, the event bus's TLS) and
 * the member configuration it builds: member endpoint only, bound to its own address, cluster name derived from the
 * secret.
 */
@Timeout(60)
class ClusterSetupTest {

    private static final String SECRET = "a-cluster-secret-of-at-least-32-characters";
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    /** Verifies that a clustered node without its secret or registry key fails with the key that is missing. */
    @Test
    void requiresTheSecretAndTheRegistryKey() {
        assertThatThrownBy(() -> ClusterSetup.keys(config("", "registry: {encryptionKey: \"" + KEY + "\"}")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cluster.secret: required when clustered");
        assertThatThrownBy(() -> ClusterSetup.keys(config("secret: " + SECRET, "")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("registry.encryptionKey: required when clustered");
        assertThatThrownBy(() -> config("secret: too-short", "")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.secret").hasMessageContaining("at least 32 characters");
    }

    /** Verifies that the member speaks to members only, on its own address, under a name derived from the secret. */
    @Test
    void buildsAMemberOnlyMemberBoundToItsHost() {
        RelayConfig config = config("secret: " + SECRET, "registry: {encryptionKey: \"" + KEY + "\"}");

        Config hazelcast = ClusterSetup.hazelcast(config.cluster(), ClusterSetup.keys(config));

        AdvancedNetworkConfig network = hazelcast.getAdvancedNetworkConfig();
        ServerSocketEndpointConfig member = (ServerSocketEndpointConfig) network.getEndpointConfigs()
                .get(EndpointQualifier.MEMBER);
        assertThat(network.isEnabled()).isTrue();
        assertThat(network.getEndpointConfigs()).containsOnlyKeys(EndpointQualifier.MEMBER);
        assertThat(member.getPort()).isEqualTo(5801);
        assertThat(member.getInterfaces().isEnabled()).isTrue();
        assertThat(member.getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(hazelcast.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(network.getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5801");
        assertThat(hazelcast.getClusterName()).isEqualTo(new ClusterKeys(SECRET).clusterName())
                .doesNotContain(SECRET).isNotEqualTo(new ClusterKeys(SECRET + "!").clusterName());
    }

    /** Verifies that the event bus needs cluster.tls and then runs on TLS with client certificates required. */
    @Test
    void runsTheEventBusOnMutualTls() throws Exception {
        assertThatThrownBy(() -> ClusterSetup.eventBus(config("", "").cluster()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cluster.tls: required when clustered");
        assertThatThrownBy(() -> ClusterSetup.eventBus(config("tls: {key: a.pem, cert: b.pem, ca: c.pem}", "")
                .cluster())).isInstanceOf(ConfigException.class).hasMessageStartingWith("cluster.tls.key: cannot read");

        EventBusOptions options = ClusterSetup.eventBus(config(ClusterCertificates.generate(dir, "unit").yaml(), "")
                .cluster());

        assertThat(options.isSsl()).isTrue();
        assertThat(options.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
        assertThat(options.getTrustOptions()).isNotNull();
        assertThat(options.getHost()).isEqualTo("127.0.0.1");
    }

    private RelayConfig config(String clusterLine, String registry) {
        return ConfigLoader.parse("""
                node: {stateDir: %s}
                cluster:
                  enabled: true
                  host: 127.0.0.1
                  hazelcastConfig: %s
                  hazelcastPort: 5801
                  members: "127.0.0.1:5801"
                  %s
                %s
                """.formatted(dir, Path.of("cluster.xml").toAbsolutePath(), clusterLine, registry), dir, Map.of());
    }
}
