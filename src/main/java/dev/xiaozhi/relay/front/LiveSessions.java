package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.model.DeviceIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The device sessions open on this node, across its front verticles: what the admin API lists, and the count that
 * a tenant's session limit is held against. Thread-safe.
 */
public final class LiveSessions {

    private final Map<Long, LiveSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /**
     * One open session.
     *
     * @param id       node-local id
     * @param tenant   its tenant
     * @param device   its device
     * @param front    the kind of front
     * @param remote   the peer's address
     * @param openedAt when it opened
     */
    public record LiveSession(long id, String tenant, String device, FrontKind front, String remote,
            Instant openedAt) {
    }

    /**
     * Counts a new session, against its tenant's limit when its kind of front is {@link FrontKind#limited()}.
     *
     * @return the session, or null when the tenant already has {@code maxSessions} open on this node
     */
    public LiveSession tryOpen(DeviceIdentity identity, FrontKind front, String remote) {
        if (front.limited()) {
            int max = identity.limits().maxSessions();
            AtomicInteger count = perTenant.computeIfAbsent(identity.tenant(), t -> new AtomicInteger());
            if (count.incrementAndGet() > max && max > 0) {
                count.decrementAndGet();
                return null;
            }
        }
        LiveSession session = new LiveSession(ids.incrementAndGet(), identity.tenant(), identity.device(), front,
                remote, Instant.now());
        sessions.put(session.id(), session);
        return session;
    }

    /** Forgets a closed session. */
    public void closed(LiveSession session) {
        if (sessions.remove(session.id()) != null && session.front().limited()) {
            perTenant.get(session.tenant()).decrementAndGet();
        }
    }

    /** Every open session, oldest first. */
    public List<LiveSession> list() {
        return sessions.values().stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
    }
}
