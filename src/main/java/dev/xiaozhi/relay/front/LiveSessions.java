package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.model.TokenHash;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The device sessions open on this node, across its front verticles: what the admin API lists, the count that a
 * tenant's session limit is held against, and each device's open WebSocket and pipe sessions, oldest first, that its
 * {@code maxSessionsPerDevice} is held against. Thread-safe.
 */
public final class LiveSessions {

    private final Map<Long, LiveSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Deque<Long>> perDevice = new HashMap<>();
    private final Map<Long, Runnable> closers = new HashMap<>();

    /**
     * One open session.
     *
     * @param id         node-local id
     * @param tenant     its tenant
     * @param device     its device
     * @param front      the kind of front
     * @param remote     the peer's address
     * @param openedAtMillis when it opened, on the wall clock
     * @param credential     the hash of the token it was opened with, or null for a session that no device token
     *                       opened (a pipe)
     */
    public record LiveSession(long id, String tenant, String device, FrontKind front, String remote,
            long openedAtMillis, TokenHash credential) {

        /** When it opened. */
        public Instant openedAt() {
            return Instant.ofEpochMilli(openedAtMillis);
        }
    }

    /**
     * Counts a new session, against its tenant's limit when its kind of front is {@link FrontKind#limited()}.
     *
     * @param credential the hash of the token the session opens with, or null
     * @return the session, or null when the tenant already has {@code maxSessions} open on this node
     */
    public LiveSession tryOpen(DeviceIdentity identity, FrontKind front, String remote, TokenHash credential) {
        if (front.limited()) {
            int max = identity.limits().maxSessions();
            AtomicInteger count = perTenant.computeIfAbsent(identity.tenant(), t -> new AtomicInteger());
            if (count.incrementAndGet() > max && max > 0) {
                count.decrementAndGet();
                return null;
            }
        }
        LiveSession session = new LiveSession(ids.incrementAndGet(), identity.tenant(), identity.device(), front,
                remote, System.currentTimeMillis(), credential);
        sessions.put(session.id(), session);
        return session;
    }

    /**
     * Counts an opened session against its device's {@code maxSessionsPerDevice} when its kind of front is
     * {@link FrontKind#perDevice()}, and closes the oldest sessions of the device over it.
     *
     * @param max   the device's limit; 0: unlimited
     * @param close ends this session when a newer one pushes it out
     */
    public void opened(LiveSession session, int max, Runnable close) {
        if (!session.front().perDevice()) {
            return;
        }
        List<Runnable> evicted = new ArrayList<>();
        Long id = session.id();
        synchronized (perDevice) {
            Deque<Long> open = perDevice.computeIfAbsent(deviceKey(session), k -> new ArrayDeque<>(4));
            open.addLast(id);
            closers.put(id, close);
            while (max > 0 && open.size() > max) {
                evicted.add(closers.remove(open.removeFirst()));
            }
        }
        evicted.forEach(Runnable::run);
    }

    /** Forgets a closed session. */
    public void closed(LiveSession session) {
        if (sessions.remove(session.id()) != null && session.front().limited()) {
            perTenant.get(session.tenant()).decrementAndGet();
        }
        if (session.front().perDevice()) {
            synchronized (perDevice) {
                closers.remove(session.id());
                Deque<Long> open = perDevice.get(deviceKey(session));
                if (open != null && open.remove(session.id()) && open.isEmpty()) {
                    perDevice.remove(deviceKey(session));
                }
            }
        }
    }

    private static String deviceKey(LiveSession session) {
        return session.tenant() + "/" + session.device();
    }

    /** Every open session, oldest first. */
    public List<LiveSession> list() {
        return sessions.values().stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
    }
}
