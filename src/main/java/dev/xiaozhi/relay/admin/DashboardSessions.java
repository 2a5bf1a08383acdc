package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.auth.Tokens;
import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.config.DashboardConfig;
import dev.xiaozhi.relay.model.TokenHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The dashboard's signed-in browsers: a session is a random cookie value (256 bits) standing for the admin token that
 * signed in, with its own CSRF token. Kept by the hash of the cookie value, so a lookup leaks nothing through timing;
 * at most {@link DashboardConfig#maxSessions()} at once (signing in beyond that ends the session idle the longest);
 * a session idle for {@link DashboardConfig#idleTimeout()} is gone. Node-local: a browser signs in on the admin port
 * it talks to.
 */
final class DashboardSessions {

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
        private long lastUsed;

        private Entry(Session session, long lastUsed) {
            this.session = session;
            this.lastUsed = lastUsed;
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

    /** Opens a session for an admin token that was just checked. */
    synchronized Opened open(AdminToken token) {
        long now = clock.getAsLong();
        entries.values().removeIf(entry -> expired(entry, now));
        while (entries.size() >= config.maxSessions()) {
            entries.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().lastUsed))
                    .ifPresent(oldest -> entries.remove(oldest.getKey()));
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
            entries.remove(key);
            return Optional.empty();
        }
        entry.lastUsed = now;
        return Optional.of(entry.session);
    }

    /** Ends the session of a cookie value, if any. */
    synchronized void close(String cookie) {
        entries.remove(TokenHash.ofPlain(cookie));
    }

    private boolean expired(Entry entry, long now) {
        return now - entry.lastUsed >= config.idleTimeout().toNanos();
    }
}
