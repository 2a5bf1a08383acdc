package dev.xiaozhi.relay.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Clustering: several nodes behave as one relay. Vert.x runs clustered with the Hazelcast cluster manager, configured
 * from a Hazelcast XML file ({@code cluster.xml}), with this node's addresses and the way members find each other
 * set here so that one file serves a laptop, a test and a pod.
 *
 * @param enabled           whether the node joins a cluster (also {@code --cluster})
 * @param hazelcastConfig   the Hazelcast XML file
 * @param host              this node's address for Hazelcast and the event bus (a pod's IP, never a Service name);
 *                          Hazelcast picks one when empty
 * @param hazelcastPort     Hazelcast member port
 * @param eventBusPort      clustered event-bus port
 * @param members           TCP/IP join: addresses of members ({@code host} or {@code host:port}), for local runs
 * @param kubernetesService Kubernetes DNS discovery: the headless Service's DNS name; replaces {@code members}
 * @param secret            the secret every member shares (at least {@value #MIN_SECRET_LENGTH} characters), which
 *                          the Hazelcast cluster name and the registry's integrity tags derive from; required when
 *                          clustered, checked at start
 * @param tls               the clustered event bus's TLS; required when clustered, checked at start
 */
public record ClusterConfig(boolean enabled, Path hazelcastConfig, Optional<String> host, int hazelcastPort,
        int eventBusPort, List<String> members, Optional<String> kubernetesService, Optional<String> secret,
        Optional<Tls> tls) {

    /**
     * TLS of the clustered event bus, both ways: every member presents its certificate and accepts only peers whose
     * certificate the CA signed (no host name check: members are known by their CA, not their addresses).
     *
     * @param key  PEM file of this member's private key (PKCS#8)
     * @param cert PEM file of this member's certificate (and its chain)
     * @param ca   PEM file of the CA certificates that sign the members' certificates
     */
    public record Tls(Path key, Path cert, Path ca) {

        static Tls from(ConfigNode node, Path baseDir) {
            node.object("key", "cert", "ca");
            return new Tls(baseDir.resolve(node.requiredString("key")).normalize(),
                    baseDir.resolve(node.requiredString("cert")).normalize(),
                    baseDir.resolve(node.requiredString("ca")).normalize());
        }
    }

    /** Default Hazelcast member port. */
    public static final int DEFAULT_HAZELCAST_PORT = 5701;
    /** Default clustered event-bus port. */
    public static final int DEFAULT_EVENT_BUS_PORT = 5710;
    /** Default Hazelcast XML file, relative to the configuration file. */
    public static final String DEFAULT_HAZELCAST_CONFIG = "cluster.xml";
    /** The shortest cluster secret accepted. */
    public static final int MIN_SECRET_LENGTH = 32;

    static ClusterConfig from(ConfigNode node, Path baseDir) {
        node.object("enabled", "hazelcastConfig", "host", "hazelcastPort", "eventBusPort", "members",
                "kubernetesService", "secret", "tls");
        Optional<String> secret = node.optionalString("secret").filter(text -> !text.isEmpty());
        if (secret.isPresent() && secret.get().length() < MIN_SECRET_LENGTH) {
            throw node.child("secret").error("expected at least " + MIN_SECRET_LENGTH + " characters (e.g. openssl "
                    + "rand -base64 32)");
        }
        return new ClusterConfig(node.bool("enabled", false),
                baseDir.resolve(node.string("hazelcastConfig", DEFAULT_HAZELCAST_CONFIG)).normalize(),
                node.optionalString("host").filter(host -> !host.isBlank()),
                node.integer("hazelcastPort", 1, 65535, DEFAULT_HAZELCAST_PORT),
                node.integer("eventBusPort", 1, 65535, DEFAULT_EVENT_BUS_PORT),
                node.child("members").stringList(null, List.of()).stream()
                        .flatMap(list -> List.of(list.split(",")).stream())
                        .map(String::trim).filter(member -> !member.isEmpty()).toList(),
                node.optionalString("kubernetesService").filter(service -> !service.isBlank()), secret,
                node.has("tls") ? Optional.of(Tls.from(node.child("tls"), baseDir)) : Optional.empty());
    }

    /** This configuration, switched on. */
    public ClusterConfig enable() {
        return new ClusterConfig(true, hazelcastConfig, host, hazelcastPort, eventBusPort, members,
                kubernetesService, secret, tls);
    }

    @Override
    public String toString() {
        return "ClusterConfig[enabled=" + enabled + ", hazelcastConfig=" + hazelcastConfig + ", host=" + host
                + ", hazelcastPort=" + hazelcastPort + ", eventBusPort=" + eventBusPort + ", members=" + members
                + ", kubernetesService=" + kubernetesService + ", secret=" + (secret.isPresent() ? "set" : "unset")
                + ", tls=" + tls + "]";
    }
}
