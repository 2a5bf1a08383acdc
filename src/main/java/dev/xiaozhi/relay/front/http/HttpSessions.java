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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The Streamable HTTP sessions of a node, by {@code Mcp-Session-Id}, across its front verticles: a request may reach
 * any verticle, the session lives on the one that created it. Holds each device to its number of HTTP sessions,
 * ending the least recently used one to make room (clients often never delete theirs). Thread-safe.
 *
 * <p>An id is {@code <node id>.<192 random bits, base64url>}: unguessable, and naming the node that owns the session
 * (by the short id the node takes from its cluster id),
 * so that another node of a cluster can tell where to forward a request ({@link SessionForwarder}), and answer 404
 * at once when that node is not in the cluster any more.
 */
public final class HttpSessions {

    private static final int RANDOM_BYTES = 24;

    private final String nodeId;
    private final int maxPerDevice;
    private final Predicate<String> liveNodes;
    private final AtomicLong streams = new AtomicLong();
    private final List<Runnable> nodeListeners = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, HttpSession> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<HttpSession>> byDevice = new ConcurrentHashMap<>();
    private final SseSessions legacy = new SseSessions(this::newId);

    /**
     * @param nodeId       names this node in the ids (and its {@link ForwardedRequestsVerticle}'s address)
     * @param maxPerDevice HTTP sessions a device may hold on this node
     * @param liveNodes    whether the node a node id names is in the cluster now (draining or not)
     */
    public HttpSessions(String nodeId, int maxPerDevice, Predicate<String> liveNodes) {
        if (nodeId.indexOf('.') >= 0) {
            throw new IllegalArgumentException("a node id with a dot cannot name a session's owner: " + nodeId);
        }
        this.nodeId = nodeId;
        this.maxPerDevice = maxPerDevice;
        this.liveNodes = liveNodes;
    }

    /** This node's id, as the ids of its sessions name it. */
    public String nodeId() {
        return nodeId;
    }

    /** The node an id names as its session's owner; null when it names none. */
    static String owner(String id) {
        int dot = id.indexOf('.');
        return dot <= 0 ? null : id.substring(0, dot);
    }

    /** Whether an id names this node as its owner. */
    boolean isLocal(String id) {
        return nodeId.equals(owner(id));
    }

    /** Whether an id names another node that is in the cluster now. */
    boolean ownerAlive(String id) {
        String owner = owner(id);
        return owner != null && !owner.equals(nodeId) && liveNodes.test(owner);
    }

    /** The nodes of the cluster changed: requests forwarded to a node that left end now rather than time out. */
    public void nodesChanged() {
        nodeListeners.forEach(Runnable::run);
    }

    /** Adds a listener for {@link #nodesChanged}, run on the thread that reports the change. */
    void onNodesChanged(Runnable listener) {
        nodeListeners.add(listener);
    }

    /** A new name for a response forwarded from this node, unique in the cluster. */
    String newStreamId() {
        return nodeId + "." + streams.incrementAndGet();
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
