package dev.xiaozhi.relay.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An MCP server reached over Streamable HTTP.
 *
 * @param url              the MCP endpoint (for {@code transport: sse}, the event-stream URL)
 * @param transport        Streamable HTTP, or the legacy HTTP+SSE transport of 2024-11-05
 * @param headers          extra request headers (values are secrets: never logged)
 * @param sigv4            AWS SigV4 signing, e.g. for AgentCore Gateway
 * @param connectTimeout   TCP connect timeout
 * @param maxResponseBytes largest response body accepted
 * @param sessions         which downstream sessions get an upstream session of their own
 */
public record HttpTargetSpec(URI url, Transport transport, Map<String, String> headers, Optional<SigV4Config> sigv4,
        Duration connectTimeout, int maxResponseBytes, Sessions sessions) implements TargetSpec {

    /**
     * Which downstream sessions get an MCP session of their own with the server (Streamable HTTP only; the SSE
     * transport shares one): the work of such a session (its calls, subscriptions, log level, and the server's
     * requests for its client: sampling, elicitation, roots) goes on it alone.
     */
    public enum Sessions {
        /**
         * Sessions that do session-scoped work: their client declared sampling, elicitation or roots (HTTP and stdio
         * fronts only), or they subscribe to resources or set a log level. Tools-only sessions share one.
         */
        AUTO,
        /** Every downstream session. */
        PER_SESSION,
        /** None: every session shares one (servers' requests for a client are then routable only now and then). */
        SHARED
    }

    /** How messages travel. */
    public enum Transport {
        /** Streamable HTTP: every message a POST, answers as JSON or an event stream. */
        STREAMABLE,
        /** HTTP+SSE (2024-11-05): one event stream for answers, messages POSTed to the endpoint it names. */
        SSE
    }

    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default response bound: 4 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private static final Pattern AGENTCORE_HOST =
            Pattern.compile("\\.bedrock-agentcore\\.([a-z0-9-]+)\\.amazonaws\\.com$");

    @Override
    public String toString() {
        return "HttpTargetSpec[url=" + url.getScheme() + "://" + url.getAuthority() + url.getPath() + ", headers="
                + headers.keySet() + "]";
    }

    static HttpTargetSpec from(ConfigNode node, Path baseDir) {
        URI url = node.httpUrl("url").orElseThrow(() -> node.child("url").error("required"));
        Map<String, Transport> transports = new LinkedHashMap<>();
        transports.put("streamable", Transport.STREAMABLE);
        transports.put("sse", Transport.SSE);
        Map<String, Sessions> sessions = new LinkedHashMap<>();
        sessions.put("auto", Sessions.AUTO);
        sessions.put("perSession", Sessions.PER_SESSION);
        sessions.put("shared", Sessions.SHARED);
        return new HttpTargetSpec(url, node.oneOf("transport", transports, Transport.STREAMABLE),
                node.stringMap("headers"), sigv4(node.child("auth"), url),
                node.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT),
                node.size("maxResponseBytes", 1024, 256 * 1024 * 1024, DEFAULT_MAX_RESPONSE_BYTES),
                node.oneOf("sessions", sessions, Sessions.AUTO));
    }

    private static Optional<SigV4Config> sigv4(ConfigNode auth, URI url) {
        if (!auth.isPresent()) {
            return Optional.empty();
        }
        auth.object("type", "service", "region");
        Map<String, String> types = new LinkedHashMap<>();
        types.put("sigv4", "sigv4");
        auth.oneOf("type", types, null);
        Matcher agentCore = AGENTCORE_HOST.matcher(url.getHost());
        boolean inferable = agentCore.find();
        String region = auth.string("region", inferable ? agentCore.group(1) : null);
        if (region == null) {
            throw auth.child("region").error("required (not inferable from the URL's host)");
        }
        return Optional.of(new SigV4Config(auth.string("service", SigV4Config.AGENTCORE_SERVICE), region));
    }

    /** Keys of an http target besides the common ones. */
    static List<String> keys() {
        return List.of("url", "transport", "headers", "auth", "connectTimeout", "maxResponseBytes", "sessions");
    }
}
