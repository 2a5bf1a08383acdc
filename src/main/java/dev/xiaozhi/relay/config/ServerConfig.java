package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.common.AddressBlock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The device port and the limits of device sessions.
 *
 * @param host               bind address
 * @param port               device port; 0 picks a free one
 * @param publicUrl          how devices reach the relay ({@code ws(s)://host[:port]}), for printed URLs
 * @param instances          front verticles; 0 for one per event loop
 * @param tls                certificate and key for {@code wss://}
 * @param maxMessageBytes    largest message a device may send; larger closes the session with 1009
 * @param maxResultBytes     largest response sent on a pipe or WebSocket (the Xiaozhi cloud's cap); larger results
 *                           are cut
 * @param writeQueueMaxBytes bytes queued for a device that does not read before its session is closed
 * @param pingInterval       WebSocket ping period
 * @param idleTimeout        silence after which a session is closed
 * @param pageSize           tools per {@code tools/list} page; 0 for one page
 * @param shutdownGrace      time in-flight calls get to finish when the node stops
 * @param authFailures       throttling of failed authentication per remote address
 * @param http               the Streamable HTTP front's own limits and allowed origins
 * @param handshakeTimeout   time a new connection gets to send its first request (the upgrade) before it is closed
 * @param maxPendingHandshakes connections of one remote address still waiting to send their first request, per front
 *                           verticle, before those waiting longest go (0: no limit)
 * @param trustedProxies     the proxies (address blocks) whose word on the client's address is taken: their PROXY
 *                           protocol header and {@code X-Forwarded-For}; empty: nobody's
 * @param proxyProtocol      whether every connection to the device port starts with a PROXY protocol (v1 or v2)
 *                           header, as a load balancer in front of the relay sends it
 */
public record ServerConfig(String host, int port, Optional<String> publicUrl, int instances, Optional<TlsConfig> tls,
        int maxMessageBytes, int maxResultBytes, int writeQueueMaxBytes, Duration pingInterval, Duration idleTimeout,
        int pageSize, Duration shutdownGrace, AuthFailuresConfig authFailures, HttpFrontConfig http,
        Duration handshakeTimeout, int maxPendingHandshakes, List<AddressBlock> trustedProxies,
        boolean proxyProtocol) {

    /** Default device port. */
    public static final int DEFAULT_PORT = 8080;
    /** Default bind address. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** Default message limit: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
    /** Default result cap: the Xiaozhi limit. */
    public static final int DEFAULT_MAX_RESULT_BYTES = 8192;
    /** Default write-queue bound. */
    public static final int DEFAULT_WRITE_QUEUE_MAX_BYTES = 256 * 1024;
    /** Default ping period. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    /** Default idle timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);
    /** Default shutdown grace. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
    /** Default time to the first request of a connection. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Default bound on one address's connections waiting for their first request, per front verticle. */
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 64;

    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    static ServerConfig from(ConfigNode node, Path baseDir) {
        List<String> keys = new ArrayList<>(List.of("host", "port", "publicUrl", "instances", "tls", "maxMessageBytes",
                "maxResultBytes", "writeQueueMaxBytes", "pingInterval", "idleTimeout", "pageSize", "shutdownGrace",
                "authFailures"));
        keys.addAll(HttpFrontConfig.KEYS);
        keys.addAll(List.of("handshakeTimeout", "maxPendingHandshakes", "trustedProxies", "proxyProtocol"));
        node.object(keys.toArray(String[]::new));
        Optional<String> publicUrl = node.optionalString("publicUrl").filter(url -> !url.isEmpty());
        if (publicUrl.isPresent() && !publicUrl.get().matches("^wss?://.+")) {
            throw node.child("publicUrl").error("expected a ws:// or wss:// URL");
        }
        Duration pingInterval = node.duration("pingInterval", DEFAULT_PING_INTERVAL);
        Duration idleTimeout = node.duration("idleTimeout", DEFAULT_IDLE_TIMEOUT);
        if (idleTimeout.compareTo(pingInterval) < 0) {
            throw node.child("idleTimeout").error("must be at least server.pingInterval");
        }
        List<AddressBlock> trustedProxies = node.addressBlocks("trustedProxies");
        boolean proxyProtocol = node.bool("proxyProtocol", false);
        if (proxyProtocol && trustedProxies.isEmpty()) {
            throw node.child("proxyProtocol").error("needs server.trustedProxies: the proxies that send the header");
        }
        return new ServerConfig(node.string("host", DEFAULT_HOST),
                node.integer("port", 0, 65535, DEFAULT_PORT),
                publicUrl,
                node.integer("instances", 0, 1024, 0),
                node.has("tls") ? Optional.of(TlsConfig.from(node.child("tls"), baseDir)) : Optional.empty(),
                node.size("maxMessageBytes", KIB, 64 * MIB, DEFAULT_MAX_MESSAGE_BYTES),
                node.size("maxResultBytes", 512, 16 * MIB, DEFAULT_MAX_RESULT_BYTES),
                node.size("writeQueueMaxBytes", KIB, 64 * MIB, DEFAULT_WRITE_QUEUE_MAX_BYTES),
                pingInterval,
                idleTimeout,
                node.integer("pageSize", 0, 100_000, 0),
                node.duration("shutdownGrace", DEFAULT_SHUTDOWN_GRACE),
                AuthFailuresConfig.from(node.child("authFailures")),
                HttpFrontConfig.from(node),
                node.duration("handshakeTimeout", DEFAULT_HANDSHAKE_TIMEOUT),
                node.integer("maxPendingHandshakes", 0, 1_000_000, DEFAULT_MAX_PENDING_HANDSHAKES),
                trustedProxies,
                proxyProtocol);
    }

    /** This configuration on another port. */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, publicUrl, instances, tls, maxMessageBytes, maxResultBytes,
                writeQueueMaxBytes, pingInterval, idleTimeout, pageSize, shutdownGrace, authFailures, http,
                handshakeTimeout, maxPendingHandshakes, trustedProxies, proxyProtocol);
    }
}
