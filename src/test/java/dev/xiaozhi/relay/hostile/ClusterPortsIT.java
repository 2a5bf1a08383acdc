package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.RecordCodec;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.cluster.ClusterKeys;
import dev.xiaozhi.relay.config.ClusterConfig;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.registry.EndpointCipher;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.ClusterCertificates;
import dev.xiaozhi.relay.support.ListeningSockets;
import dev.xiaozhi.relay.support.ListeningSockets.Socket;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.RelayProcess;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that nobody on the cluster's ports can change what the relay admits or read its secrets: a single node
 * opens no Hazelcast port at all; a clustered node's member port is bound to its own address, refuses Hazelcast
 * clients, is joined by no member without the cluster secret, registry entries written by anyone without the
 * secret are refused, and its event bus delivers nothing from a peer without a member certificate. The attacker uses
 * the Hazelcast and Vert.x classes of the jar itself.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class ClusterPortsIT {

    private static final String OLD_CLUSTER_NAME = "xiaozhi-relay";
    private static final String SECRET = "cluster-ports-it-" + UUID.randomUUID();
    private static final byte[] REGISTRY_KEY = new byte[32];
    private static final String FORGED_TOKEN = "xzr_forged-by-an-attacker";

    private final List<AutoCloseable> opened = new ArrayList<>();
    private ClusterCertificates memberCertificates;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable each : opened) {
            each.close();
        }
    }

    /**
     * Verifies that a single node listens on its device port (a fixed one: with port 0 each front instance binds a
     * port of its own) and its admin port only, so that a Hazelcast client (as any
     * local process, a stdio server among them, could run) finds no member to connect to.
     */
    @Test
    void aSingleNodeOpensNoPortButItsDeviceAndAdminPorts(Vertx vertx, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("relay.yaml");
        int devicePort = FreePorts.take(1)[0];
        Files.writeString(config, TestRelay.yaml(dir, "").replaceFirst("port: 0", "port: " + devicePort));
        RelayProcess relay = started(RelayProcess.start(Map.of(), "--config", config.toString()));
        int[] ports = relay.awaitReady();

        Set<Integer> listening = ports(relay);

        assertThat(ports[0]).isEqualTo(devicePort);
        assertThat(listening).containsExactlyInAnyOrder(ports[0], ports[1]);
        assertThatThrownBy(() -> client(OLD_CLUSTER_NAME, ClusterConfig.DEFAULT_HAZELCAST_PORT))
                .isInstanceOf(IllegalStateException.class);
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isTrue();
    }

    /** Verifies that a node asked to cluster without the cluster secret does not start, and says what is missing. */
    @Test
    void aClusterWithoutItsSecretDoesNotStart(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, TestRelay.yaml(dir, "") + "registry: {encryptionKey: \""
                + Base64.getEncoder().encodeToString(new byte[32]) + "\"}\n");
        RelayProcess relay = started(RelayProcess.start(Map.of(), "--config", config.toString(), "--cluster"));

        assertThat(relay.awaitExit()).isEqualTo(2);
        assertThat(relay.stderr()).contains("invalid configuration: cluster.secret: required when clustered");
    }

    /**
     * Verifies that a clustered node's Hazelcast member listens on the node's own address only and refuses a
     * Hazelcast client, whether it tries the old fixed cluster name or the one the members use.
     */
    @Test
    void aClusteredNodeRefusesHazelcastClients(Vertx vertx, @TempDir Path dir) throws Exception {
        int[] cluster = FreePorts.take(2);
        RelayProcess relay = clusteredNode(dir, cluster);
        int[] ports = relay.awaitReady();

        Set<Socket> member = ListeningSockets.of(relay.process().pid()).stream()
                .filter(socket -> socket.port() == cluster[0]).collect(Collectors.toSet());

        assertThat(member).containsExactly(new Socket("127.0.0.1", cluster[0]));
        assertThatThrownBy(() -> client(OLD_CLUSTER_NAME, cluster[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client(new ClusterKeys(SECRET).clusterName(), cluster[0]))
                .isInstanceOf(IllegalStateException.class);
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isTrue();
    }

    /** Verifies that a Hazelcast member without the cluster secret forms a cluster of its own, never the relay's. */
    @Test
    void aMemberWithoutTheSecretCannotJoin(Vertx vertx, @TempDir Path dir) throws Exception {
        int[] cluster = FreePorts.take(2);
        RelayProcess relay = clusteredNode(dir, cluster);
        int[] ports = relay.awaitReady();

        HazelcastInstance withOldName = rogueMember(OLD_CLUSTER_NAME, cluster[0]);
        HazelcastInstance withOtherSecret = rogueMember(new ClusterKeys("another-secret-" + UUID.randomUUID())
                .clusterName(), cluster[0]);

        assertThat(withOldName.getCluster().getMembers()).hasSize(1);
        assertThat(withOtherSecret.getCluster().getMembers()).hasSize(1);
        assertThat(relay.stderr()).doesNotContain("node joined");
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isTrue();
    }

    /**
     * Verifies that registry entries forged by a member that knows the cluster name but not the secret (untagged, or
     * tagged with another key) are refused: the forged token is not admitted, the real one still is, and the
     * endpoint key is nowhere in the cluster.
     */
    @Test
    void aForgedRegistryEntryAdmitsNobody(Vertx vertx, @TempDir Path dir) throws Exception {
        int[] cluster = FreePorts.take(2);
        RelayProcess relay = clusteredNode(dir, cluster);
        int[] ports = relay.awaitReady();
        HazelcastInstance rogue = rogueMember(new ClusterKeys(SECRET).clusterName(), cluster[0]);
        assertThat(rogue.getCluster().getMembers()).hasSize(2);

        IMap<String, String> tokens = rogue.getMap("relay.registry.tokens");
        String realEntry = tokens.get(TokenHash.ofPlain(TestRelay.TOKEN).toString());
        String forgedHash = TokenHash.ofPlain(FORGED_TOKEN).toString();
        tokens.set(forgedHash, "acme/kitchen");
        boolean untaggedAdmitted = admitted(vertx, ports[0], FORGED_TOKEN);
        tokens.set(forgedHash, realEntry.substring(0, realEntry.indexOf('.') + 1) + "acme/kitchen");
        boolean replayedTagAdmitted = admitted(vertx, ports[0], FORGED_TOKEN);

        assertThat(realEntry).endsWith(".acme/kitchen");
        assertThat(untaggedAdmitted).isFalse();
        assertThat(replayedTagAdmitted).isFalse();
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isTrue();
        assertThat(rogue.getMap("relay.registry.keys").isEmpty()).isTrue();
        assertThat(relay.stderr()).contains("registry entry refused");
    }

    /**
     * Verifies that a member that joined with the cluster's name but without its secret cannot undo a revocation by
     * writing back what it read before it: the device's token entry and its record, both correctly tagged, but older
     * than the revocation's. The revoked token stays refused, and the refusal is logged.
     */
    @Test
    void anOldEntryWrittenBackAfterARevokeAdmitsNobody(Vertx vertx, @TempDir Path dir) throws Exception {
        int[] cluster = FreePorts.take(2);
        RelayProcess relay = clusteredNode(dir, cluster);
        int[] ports = relay.awaitReady();
        HazelcastInstance rogue = rogueMember(new ClusterKeys(SECRET).clusterName(), cluster[0]);
        IMap<String, String> tokens = rogue.getMap("relay.registry.tokens");
        IMap<String, String> devices = rogue.getMap("relay.registry.devices");
        String hash = TokenHash.ofPlain(TestRelay.TOKEN).toString();
        String oldToken = tokens.get(hash);
        String oldDevice = devices.get("acme/kitchen");
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isTrue();

        assertThat(new AdminClient(vertx, ports[1], TestRelay.ADMIN_TOKEN).post("/tenants/acme/devices/kitchen/revoke",
                null).statusCode()).isEqualTo(200);
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isFalse();
        devices.set("acme/kitchen", oldDevice);
        tokens.set(hash, oldToken);

        assertThat(tokens.get(hash)).isEqualTo(oldToken);
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isFalse();
        assertThat(relay.stderr()).contains("registry entry refused: a newer version was seen");
        assertThat(admitted(vertx, ports[0], TestRelay.LIMITED_TOKEN)).isTrue();
    }

    /**
     * Verifies (issue 11, #18) that a cluster on {@code registry.store: memory} encrypts endpoints with the
     * configured {@code registry.encryptionKey}, not one of its own that the other nodes do not have: a member
     * holding the secret reads the device record, and the configured key opens its endpoint.
     */
    @Test
    void aMemoryRegistryClusterUsesTheConfiguredKey(Vertx vertx, @TempDir Path dir) throws Exception {
        int[] cluster = FreePorts.take(2);
        String endpoint = "ws://127.0.0.1:9/mcp/?token=xiaozhi-agent-token";
        RelayProcess relay = clusteredNode(dir, cluster, "store: memory, ", TestRelay.yaml(dir, "").replace(
                "  limited:\n", "  cars:\n    devices:\n      car: {tokenHash: \"" + TokenHash.ofPlain("xzr_car")
                        + "\", endpoint: \"" + endpoint + "\"}\n  limited:\n"));
        int[] ports = relay.awaitReady();
        HazelcastInstance member = rogueMember(new ClusterKeys(SECRET).clusterName(), cluster[0]);

        IMap<String, String> devices = member.getMap("relay.registry.devices");
        String record = devices.values().stream().filter(value -> value.contains("\"encryptedEndpoint\":\"v"))
                .findFirst().orElseThrow();
        String sealed = Json.parse(record.substring(record.indexOf('{'))).get("encryptedEndpoint").asText();

        assertThat(new EndpointCipher(REGISTRY_KEY).decrypt(sealed)).isEqualTo(endpoint);
        assertThat(relay.stderr()).doesNotContain("cannot be decrypted");
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isTrue();
    }

    /**
     * Verifies that the clustered event bus delivers a {@code ToolCall} (which a target runs without any token or
     * policy check: those are the front's) only from a peer holding a member certificate: the same forged call,
     * written straight to the event-bus port by a Vert.x instance that never joined the cluster, runs when that
     * instance presents the cluster's certificate (what any peer could do while the bus was plain TCP), and never
     * when it speaks plain TCP or presents a certificate of its own.
     */
    @Test
    void aForgedToolCallNeedsAMemberCertificate(Vertx vertx, @TempDir Path dir) throws Exception {
        int[] cluster = FreePorts.take(2);
        RelayProcess relay = clusteredNode(dir, cluster);
        int[] ports = relay.awaitReady();
        ClusterCertificates own = ClusterCertificates.generate(dir.resolve("rogue"), "rogue");

        boolean plainAnswered = forgeToolCall(cluster[1], new EventBusOptions());
        int afterPlain = forgedCalls(vertx, ports[1]);
        boolean ownAnswered = forgeToolCall(cluster[1], tls(own));
        int afterOwn = forgedCalls(vertx, ports[1]);
        forgeToolCall(cluster[1], tls(memberCertificates));
        Await.until(vertx, () -> forgedCalls(vertx, ports[1]) == 1);

        assertThat(plainAnswered).isFalse();
        assertThat(ownAnswered).isFalse();
        assertThat(afterPlain).isZero();
        assertThat(afterOwn).isZero();
        assertThat(admitted(vertx, ports[0], TestRelay.TOKEN)).isTrue();
    }

    /** Sends a forged echo call as tenant acme to the node's event bus; whether an answer came back. */
    private static boolean forgeToolCall(int eventBusPort, EventBusOptions options) throws Exception {
        Vertx forger = Vertx.builder().with(new VertxOptions().setEventBusOptions(options.setHost("127.0.0.1")
                .setPort(0))).withClusterManager(new ForgingClusterManager("127.0.0.1", eventBusPort))
                .buildClustered().await(30, TimeUnit.SECONDS);
        try {
            RecordCodec.registerAll(forger.eventBus());
            ToolCall call = new ToolCall(UUID.randomUUID().toString(), "diagnostics", "echo",
                    Json.MAPPER.readTree("{\"text\":\"forged\"}"), "acme", "kitchen", 3_000, null, null);
            forger.eventBus().request(EventBusAddresses.clusterTarget("diagnostics"), call,
                    new DeliveryOptions().setSendTimeout(3_000)).await(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception failed) {
            return false;
        } finally {
            forger.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static EventBusOptions tls(ClusterCertificates certificates) {
        return new EventBusOptions().setSsl(true).setTrustAll(true).setKeyCertOptions(new PemKeyCertOptions()
                .setKeyPath(certificates.key().toString()).setCertPath(certificates.cert().toString()));
    }

    /** How many calls the diagnostics target ran, from the node's metrics. */
    private static int forgedCalls(Vertx vertx, int adminPort) throws Exception {
        String metrics = WebClient.create(vertx).get(adminPort, "127.0.0.1", "/metrics").send()
                .await(10, TimeUnit.SECONDS).bodyAsString();
        return (int) metrics.lines().filter(line -> line.startsWith("relay_tool_calls_total{")
                && line.contains("target=\"diagnostics\"")).mapToDouble(line -> Double.parseDouble(
                        line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private RelayProcess clusteredNode(Path dir, int[] cluster) throws Exception {
        return clusteredNode(dir, cluster, "", TestRelay.yaml(dir, ""));
    }

    private RelayProcess clusteredNode(Path dir, int[] cluster, String registryKeys, String yaml) throws Exception {
        Path config = dir.resolve("relay.yaml");
        memberCertificates = ClusterCertificates.generate(dir.resolve("tls"), "cluster");
        Files.writeString(config, yaml + """
                cluster:
                  enabled: true
                  hazelcastConfig: %s
                  host: 127.0.0.1
                  hazelcastPort: %d
                  eventBusPort: %d
                  members: "127.0.0.1:%d"
                  secret: "%s"
                  %s
                registry: {%sencryptionKey: "%s"}
                """.formatted(Path.of("cluster.xml").toAbsolutePath(), cluster[0], cluster[1], cluster[0], SECRET,
                memberCertificates.yaml(), registryKeys, Base64.getEncoder().encodeToString(REGISTRY_KEY)));
        return started(RelayProcess.start(Map.of(), "--config", config.toString()));
    }

    private RelayProcess started(RelayProcess relay) {
        opened.add(relay);
        return relay;
    }

    private static Set<Integer> ports(RelayProcess relay) throws Exception {
        return ListeningSockets.of(relay.process().pid()).stream().map(Socket::port).collect(Collectors.toSet());
    }

    /** A Hazelcast client of the jar's own classes, given a few seconds to reach any of the ports. */
    private HazelcastInstance client(String clusterName, int... ports) {
        ClientConfig config = new ClientConfig().setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "slf4j");
        for (int port : ports) {
            config.getNetworkConfig().addAddress("127.0.0.1:" + port);
        }
        config.getNetworkConfig().setConnectionTimeout(2_000);
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5_000);
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        opened.add(client::shutdown);
        return client;
    }

    /** A Hazelcast member of the jar's own classes that tries to join the relay's member port. */
    private HazelcastInstance rogueMember(String clusterName, int relayPort) {
        Config config = new Config().setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getNetworkConfig().setPortAutoIncrement(true).getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + relayPort);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        opened.add(member::shutdown);
        return member;
    }

    /** Whether a device with this token is admitted and initialized. */
    private static boolean admitted(Vertx vertx, int port, String token) {
        try {
            TestSocket device = TestSocket.connect(vertx, "ws://127.0.0.1:" + port + "/mcp?token=" + token);
            return device.initialize("2024-11-05").at("/result/protocolVersion").asText().equals("2024-11-05");
        } catch (Exception refused) {
            return false;
        }
    }
}
