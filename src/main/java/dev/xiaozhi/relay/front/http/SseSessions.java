package dev.xiaozhi.relay.front.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The legacy HTTP+SSE sessions of a node, by {@code sessionId}, across its front verticles: a session lives on the
 * verticle whose connection holds its stream, its messages may arrive on any. Ids come from the same source as
 * {@link HttpSessions}' (unguessable, naming the node). How many a device may hold is the session host's affair, as
 * for WebSocket sessions: each holds a connection. Thread-safe.
 */
final class SseSessions {

    private final Supplier<String> ids;
    private final Map<String, SseSession> byId = new ConcurrentHashMap<>();

    /** @param ids hands out new session ids */
    SseSessions(Supplier<String> ids) {
        this.ids = ids;
    }

    /** A new session id, never handed out before. */
    String newId() {
        return ids.get();
    }

    /** The session of an id; null when unknown or ended. */
    SseSession find(String id) {
        return id == null ? null : byId.get(id);
    }

    /** Adds an opened session. */
    void add(SseSession session) {
        byId.put(session.id(), session);
    }

    /** Forgets an ended session; idempotent. */
    void remove(SseSession session) {
        byId.remove(session.id(), session);
    }
}
