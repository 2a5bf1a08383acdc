package dev.xiaozhi.relay.upstream.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.LogLevel;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a downstream session with an upstream session of its own asked of that session and still holds: the resources
 * it subscribed to and the log level it set. When its upstream session is a new one (the server forgot the old, or
 * the target connected again), the relay asks for them again, so that the client keeps hearing what it asked for.
 * Holds at most {@value #MAX_SUBSCRIPTIONS} subscriptions.
 */
final class SessionScopedState {

    /** The most resources one session may be subscribed to on one target. */
    static final int MAX_SUBSCRIPTIONS = 256;

    private final Set<String> uris = new LinkedHashSet<>();
    private LogLevel level;

    /** Whether a further subscription is over the bound. */
    boolean full(String uri) {
        return uris.size() >= MAX_SUBSCRIPTIONS && !uris.contains(uri);
    }

    /** The server accepted a request of the session: a subscription, an unsubscription or a level is kept. */
    void accepted(String method, JsonNode params) {
        String uri = params == null ? "" : params.path("uri").asText();
        switch (method) {
            case "resources/subscribe" -> uris.add(uri);
            case "resources/unsubscribe" -> uris.remove(uri);
            case "logging/setLevel" -> level = LogLevel.parse(params == null ? "" : params.path("level").asText())
                    .orElse(level);
            default -> {
            }
        }
    }

    /** The resources subscribed to, oldest first. */
    Set<String> uris() {
        return Set.copyOf(uris);
    }

    /** The level set, if any. */
    Optional<LogLevel> level() {
        return Optional.ofNullable(level);
    }
}
