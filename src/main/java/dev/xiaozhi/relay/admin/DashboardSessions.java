package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.auth.Tokens;
import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.config.DashboardConfig;
import dev.xiaozhi.relay.model.TokenHash;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The dashboard's signed-in browsers: a session is a random cookie value (256 bits) standing for the admin token that
 * signed in, with its own CSRF token. Kept by the hash of the cookie value, so a lookup leaks nothing through timing;
 * at most {@link DashboardConfig#maxSessions()} at once (signing in beyond that ends the session idle the longest);
 * a session idle for {@link DashboardConfig#idleTimeout()} is gone. A session's requests still open when it ends
 * (its event stream) are reset, so no stream outlives its session; an open stream does not keep a session alive.
 * Node-local: a browser signs in on the admin port it talks to. Used on the admin verticle's event loop.
 */
final class DashboardSessions {

    private static final long MIN_SWEEP_MS = 1_000;
    private static final long MAX_SWEEP_MS = 60_000;

    private final DashboardConfig config;
    private final LongSupplier clock;
    private final Map<TokenHash, Entry> entries = new HashMap<>();

    /**
     * A signed-in browser.
     *
     * @param token the admin token that signed in (its name is the actor, its role the session's)
     * @param csrf  the value every non-GET request of the session must send as {@code X-CSRF-Token}
     */
    record Session(AdminToken token, String csrf) {

        /** Whether a presented CSRF header is this session's; constant time. */
        boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8));
        }

        /** {@code admin} or {@code reader}. */
        String role() {
            return token.readOnly() ? "reader" : "admin";
        }
    }

    /** A session opened: the cookie value to set (never kept) and the session. */
    record Opened(String cookie, Session session) {
    }

    /** A session and when it was last used. */
    private static final class Entry {
        private final Session session;
        private final Set<HttpServerResponse> open = new HashSet<>();
        private long lastUsed;

        private Entry(Session session, long lastUsed) {
            this.session = session;
            this.lastUsed = lastUsed;
        }

        private void end() {
            List.copyOf(open).forEach(HttpServerResponse::reset);
            open.clear();
        }
    }

    /** Sessions on the system clock. */
    DashboardSessions(DashboardConfig config) {
        this(config, System::nanoTime);
    }

    DashboardSessions(DashboardConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Ends idle sessions every half idle timeout (1 s to 1 min) on the calling context, until it ends. */
    void sweepEvery(Vertx vertx) {
        long period = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, config.idleTimeout().toMillis() / 2));
        vertx.setPeriodic(period, id -> sweep());
    }

    /** Ends the sessions idle too long. */
    synchronized void sweep() {
        long now = clock.getAsLong();
        entries.values().removeIf(entry -> {
            boolean expired = expired(entry, now);
            if (expired) {
                entry.end();
            }
            return expired;
        });
    }

    /** Opens a session for an admin token that was just checked. */
    synchronized Opened open(AdminToken token) {
        sweep();
        long now = clock.getAsLong();
        while (entries.size() >= config.maxSessions()) {
            entries.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().lastUsed))
                    .ifPresent(oldest -> entries.remove(oldest.getKey()).end());
        }
        String cookie = Tokens.generateToken();
        Session session = new Session(token, Tokens.generateToken());
        entries.put(TokenHash.ofPlain(cookie), new Entry(session, now));
        return new Opened(cookie, session);
    }

    /** The live session of a cookie value, which this use keeps alive; empty when unknown or idle too long. */
    synchronized Optional<Session> find(String cookie) {
        TokenHash key = TokenHash.ofPlain(cookie);
        Entry entry = entries.get(key);
        long now = clock.getAsLong();
        if (entry == null) {
            return Optional.empty();
        }
        if (expired(entry, now)) {
            entries.remove(key).end();
            return Optional.empty();
        }
        entry.lastUsed = now;
        return Optional.of(entry.session);
    }

    /** Holds a request of a live session until its response ends, to reset it should the session end first. */
    synchronized void hold(String cookie, RoutingContext ctx) {
        Entry entry = entries.get(TokenHash.ofPlain(cookie));
        HttpServerResponse response = ctx.response();
        if (entry != null && !response.ended()) {
            entry.open.add(response);
            ctx.addEndHandler(v -> release(entry, response));
        }
    }

    /** Ends the session of a cookie value, if any, and resets its open requests but the one answering. */
    synchronized void close(String cookie, HttpServerResponse answering) {
        Entry entry = entries.remove(TokenHash.ofPlain(cookie));
        if (entry != null) {
            entry.open.remove(answering);
            entry.end();
        }
    }

    private synchronized void release(Entry entry, HttpServerResponse response) {
        entry.open.remove(response);
    }

    private boolean expired(Entry entry, long now) {
        return now - entry.lastUsed >= config.idleTimeout().toNanos();
    }
}
