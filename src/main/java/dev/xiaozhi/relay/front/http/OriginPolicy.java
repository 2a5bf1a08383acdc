package dev.xiaozhi.relay.front.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DNS-rebinding protection of the HTTP front: a browser's {@code Origin}, when there is one, must be a loopback origin
 * or one of {@code server.allowedOrigins} ({@code *} allows any); and when the relay is bound to loopback only, the
 * {@code Host} must name loopback too, so that a page on an attacker's domain resolved to 127.0.0.1 gets nowhere.
 * Requests without {@code Origin} (most non-browser clients) pass.
 */
final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean anyOrigin;
    private final boolean loopbackBound;

    /** @param bindHost {@code server.host} */
    OriginPolicy(List<String> allowedOrigins, String bindHost) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
        this.anyOrigin = allowedOrigins.contains("*");
        this.loopbackBound = isLoopback(bindHost);
    }

    /** Whether a request's {@code Origin} header (null when absent) may use the front. */
    boolean allowsOrigin(String origin) {
        if (origin == null || anyOrigin || allowed.contains(normalize(origin))) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && isLoopback(uri.getHost());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Whether a request's host (from {@code Host} or {@code :authority}; null when absent) may use the front. */
    boolean allowsHost(String host) {
        return !loopbackBound || host != null && isLoopback(host);
    }

    private static String normalize(String origin) {
        String lower = origin.toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return "localhost".equals(name) || name.endsWith(".localhost") || "::1".equals(name)
                || name.matches("127(\\.\\d{1,3}){3}");
    }
}
