package dev.xiaozhi.relay.upstream.mcp;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The resource subscriptions of a target's sessions, counted: the server is subscribed to a URI once, while any
 * session is, and unsubscribed when the last one leaves.
 */
final class UpstreamSubscriptions {

    private final Map<String, Set<String>> sessionsByUri = new HashMap<>();

    /** A session subscribes; true when it is the URI's first, so the server is to be subscribed. */
    boolean add(String uri, String session) {
        Set<String> sessions = sessionsByUri.computeIfAbsent(uri, u -> new HashSet<>());
        return sessions.add(session) && sessions.size() == 1;
    }

    /** A session unsubscribes; true when it was the URI's last, so the server is to be unsubscribed. */
    boolean remove(String uri, String session) {
        Set<String> sessions = sessionsByUri.get(uri);
        if (sessions == null || !sessions.remove(session)) {
            return false;
        }
        if (sessions.isEmpty()) {
            sessionsByUri.remove(uri);
            return true;
        }
        return false;
    }

    /** The URIs some session is subscribed to. */
    Set<String> uris() {
        return Set.copyOf(sessionsByUri.keySet());
    }
}
