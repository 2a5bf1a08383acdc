package dev.xiaozhi.relay.config;

import java.time.Duration;
import java.util.List;

/**
 * The Streamable HTTP front's own limits, read from flat {@code server.http…} keys and {@code server.allowedOrigins}.
 *
 * @param sessionIdle          an HTTP session with no request, open stream or call in flight for this long ends
 * @param maxResultBytes       largest response sent to an HTTP client; larger results are cut
 * @param maxSessionsPerDevice HTTP sessions one device may hold on a node; over it the least recently used ends
 * @param maxStreamsPerSession responses one HTTP session may have open at once (requests waiting for their reply and
 *                             the notification stream); more are refused with 429
 * @param allowedOrigins       browser origins (e.g. {@code https://app.example.com}) allowed besides loopback ones;
 *                             {@code *} allows every origin
 */
public record HttpFrontConfig(Duration sessionIdle, int maxResultBytes, int maxSessionsPerDevice,
        int maxStreamsPerSession, List<String> allowedOrigins) {

    /** Default idle expiry of an HTTP session. */
    public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);
    /** Default result cap of the HTTP front: 1 MiB, for clients that are not the Xiaozhi cloud. */
    public static final int DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;
    /** Default HTTP sessions per device. */
    public static final int DEFAULT_MAX_SESSIONS_PER_DEVICE = 64;
    /** Default open responses per HTTP session. */
    public static final int DEFAULT_MAX_STREAMS_PER_SESSION = 16;
    /** The defaults. */
    public static final HttpFrontConfig DEFAULT = new HttpFrontConfig(DEFAULT_SESSION_IDLE, DEFAULT_MAX_RESULT_BYTES,
            DEFAULT_MAX_SESSIONS_PER_DEVICE, DEFAULT_MAX_STREAMS_PER_SESSION, List.of());

    /** The keys this record reads from the {@code server} mapping. */
    static final List<String> KEYS = List.of("httpSessionIdle", "httpMaxResultBytes", "httpMaxSessionsPerDevice",
            "httpMaxStreamsPerSession", "allowedOrigins");

    static HttpFrontConfig from(ConfigNode server) {
        List<String> origins = server.stringList("allowedOrigins", List.of());
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            if (!"*".equals(origin) && !origin.matches("^https?://[^/?#\\s]+$")) {
                throw server.child("allowedOrigins").error("expected origins like https://app.example.com "
                        + "(scheme and host, no path) or *, got \"" + origin + "\"");
            }
        }
        return new HttpFrontConfig(server.duration("httpSessionIdle", DEFAULT_SESSION_IDLE),
                server.size("httpMaxResultBytes", 512, 64 * 1024 * 1024, DEFAULT_MAX_RESULT_BYTES),
                server.integer("httpMaxSessionsPerDevice", 1, 100_000, DEFAULT_MAX_SESSIONS_PER_DEVICE),
                server.integer("httpMaxStreamsPerSession", 1, 10_000, DEFAULT_MAX_STREAMS_PER_SESSION),
                origins);
    }
}
