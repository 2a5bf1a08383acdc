package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.model.DeviceIdentity;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Streamable HTTP sessions of a node, by {@code Mcp-Session-Id}, across its front verticles: a request may reach
 * any verticle, the session lives on the one that created it. Holds each device to its number of HTTP sessions,
 * ending the least recently used one to make room (clients often never delete theirs). Thread-safe.
 *
 * <p>An id is {@code <node id>.<192 random bits, base64url>}: unguessable, and naming the node that owns the session,
 * so that another node of a cluster can tell where to forward a request.
 */
public final class HttpSessions {

    private static final int RANDOM_BYTES = 24;

    private final String nodeId;
    private final int maxPerDevice;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, HttpSession> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<HttpSession>> byDevice = new ConcurrentHashMap<>();
    private final SseSessions legacy = new SseSessions(this::newId);

    /**
     * @param nodeId       names this node in the ids
     * @param maxPerDevice HTTP sessions a device may hold on this node
     */
    public HttpSessions(String nodeId, int maxPerDevice) {
        this.nodeId = nodeId;
        this.maxPerDevice = maxPerDevice;
    }

    /** A new session id, never handed out before. */
    String newId() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return nodeId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The session of an id; null when unknown or ended. */
    HttpSession find(String id) {
        return id == null ? null : byId.get(id);
    }

    /**
     * Adds an initialized session.
     *
     * @return the sessions of the same device that made room for it, least recently used first; already removed
     *         here, still to be ended on their own contexts
     */
    List<HttpSession> add(HttpSession session) {
        Set<HttpSession> mine = byDevice.computeIfAbsent(session.device(), d -> new HashSet<>());
        List<HttpSession> evicted = new ArrayList<>();
        synchronized (mine) {
            while (mine.size() >= maxPerDevice) {
                HttpSession oldest = mine.stream().min(Comparator.comparingLong(HttpSession::lastUsedNanos))
                        .orElseThrow();
                mine.remove(oldest);
                byId.remove(oldest.id());
                evicted.add(oldest);
            }
            mine.add(session);
            byId.put(session.id(), session);
        }
        return evicted;
    }

    /** Forgets an ended session; idempotent. */
    void remove(HttpSession session) {
        byId.remove(session.id(), session);
        Set<HttpSession> mine = byDevice.get(session.device());
        if (mine != null) {
            synchronized (mine) {
                mine.remove(session);
            }
        }
    }

    /** The node's legacy HTTP+SSE sessions, whose ids come from the same source. */
    SseSessions legacy() {
        return legacy;
    }

    /** The key a session is bound to: its device, as {@code tenant/device}. */
    static String deviceKey(DeviceIdentity identity) {
        return identity.tenant() + "/" + identity.device();
    }
}
