package dev.xiaozhi.relay.front.websocket;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections of one front verticle that have not yet sent their first request (a WebSocket upgrade, or any HTTP
 * request). Each is closed unless its request arrives within the timeout; and while one remote address holds more
 * than its limit of them, those of its connections that have waited {@link #OVER_LIMIT_GRACE_MS} are closed at once,
 * oldest first. A burst of real devices behind one address sends its requests at once and loses nothing (the grace
 * covers the relay's own backlog under load);
 * sockets that never upgrade cannot pile up and starve real devices of file descriptors. A trusted proxy's own address
 * has no such limit (its connections carry many clients, whose addresses only their requests tell), only the
 * timeout; behind the PROXY protocol, the address is the client's. Used on the verticle's event loop only.
 */
final class PendingHandshakes {

    /** How long a connection of an address over its limit may wait for its request. */
    static final long OVER_LIMIT_GRACE_MS = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(PendingHandshakes.class);

    private final Vertx vertx;
    private final long timeoutMs;
    private final int maxPerAddress;
    private final Predicate<String> unlimited;
    private final Map<String, Map<String, Pending>> byAddress = new HashMap<>();
    private final Map<String, Long> trimTimers = new HashMap<>();

    /** A connection waiting for its first request. */
    private record Pending(HttpConnection connection, long openedAt, long timer) {
    }

    /**
     * @param timeoutMs     time to the first request
     * @param maxPerAddress pending connections allowed per remote address before the oldest go; 0 for no limit
     * @param unlimited     the addresses that limit does not apply to (trusted proxies)
     */
    PendingHandshakes(Vertx vertx, long timeoutMs, int maxPerAddress, Predicate<String> unlimited) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
        this.maxPerAddress = maxPerAddress;
        this.unlimited = unlimited;
    }

    /** A connection opened: it waits for its first request. */
    void opened(HttpConnection connection) {
        SocketAddress remote = connection.remoteAddress();
        String host = remote.hostAddress();
        String key = key(remote);
        long timer = vertx.setTimer(timeoutMs, id -> {
            if (forget(host, key) != null) {
                LOG.debug("connection closed: no request within {} ms [remote: {}]", timeoutMs, remote);
                connection.close();
            }
        });
        Map<String, Pending> pending = byAddress.computeIfAbsent(host, h -> new LinkedHashMap<>());
        pending.put(key, new Pending(connection, System.nanoTime(), timer));
        connection.closeHandler(v -> arrived(remote));
        if (maxPerAddress > 0 && pending.size() > maxPerAddress && !trimTimers.containsKey(host)
                && !unlimited.test(host)) {
            trim(host);
        }
    }

    /** The first request of the connection from {@code remote} arrived (or it closed): it waits no more. */
    void arrived(SocketAddress remote) {
        Pending pending = forget(remote.hostAddress(), key(remote));
        if (pending != null) {
            vertx.cancelTimer(pending.timer());
        }
    }

    /** Closes an address's oldest connections past the grace while it is over its limit; looks again when due. */
    private void trim(String host) {
        trimTimers.remove(host);
        Map<String, Pending> pending = byAddress.get(host);
        long now = System.nanoTime();
        for (Iterator<Pending> oldest = pending == null ? null : pending.values().iterator();
                oldest != null && pending.size() > maxPerAddress && oldest.hasNext();) {
            Pending next = oldest.next();
            long waitedMs = (now - next.openedAt()) / 1_000_000;
            if (waitedMs < OVER_LIMIT_GRACE_MS) {
                trimTimers.put(host, vertx.setTimer(OVER_LIMIT_GRACE_MS - waitedMs, id -> trim(host)));
                return;
            }
            oldest.remove();
            vertx.cancelTimer(next.timer());
            LOG.debug("connection closed: too many pending handshakes [remote: {}, limit: {}]",
                    next.connection().remoteAddress(), maxPerAddress);
            next.connection().close();
        }
        if (pending != null && pending.isEmpty()) {
            byAddress.remove(host);
        }
    }

    private Pending forget(String host, String key) {
        Map<String, Pending> pending = byAddress.get(host);
        Pending removed = pending == null ? null : pending.remove(key);
        if (pending != null && pending.isEmpty()) {
            byAddress.remove(host);
            Long trimTimer = trimTimers.remove(host);
            if (trimTimer != null) {
                vertx.cancelTimer(trimTimer);
            }
        }
        return removed;
    }

    private static String key(SocketAddress remote) {
        return remote.hostAddress() + " " + remote.port();
    }
}
