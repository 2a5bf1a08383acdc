package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.TokenHash;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Admin bearer tokens, known by their hashes (compared in constant time): 401 without a known token, 403 when a
 * read-only token tries to change something, 429 for a token that failed over {@code server.authFailures.max} times
 * from an address, and for an address over that many distinct failing tokens, whatever it presents (the lookup is
 * synchronous, so each failure counts before the next attempt). The token's name is put on
 * the request as {@value #ACTOR} for the audit log.
 *
 * <p>A request without a bearer token may instead carry the dashboard's session cookie ({@value #COOKIE}): it is
 * authenticated as the token that signed in, with that token's role; every request other than a read must then also
 * send the session's CSRF token as {@value #CSRF_HEADER}, or it is refused with 403. An unknown or idle-expired
 * cookie is 401.
 */
final class AdminAuth implements Handler<RoutingContext> {

    /** Routing-context key of the authenticated token's name. */
    static final String ACTOR = "admin.actor";
    /** Routing-context key of whether the authenticated token may only read. */
    static final String READ_ONLY = "admin.readOnly";
    /** Routing-context key of the dashboard session a request came with, when it came by cookie. */
    static final String SESSION = "admin.session";
    /** The dashboard session cookie's name. */
    static final String COOKIE = "relay_dashboard";
    /** The header carrying a dashboard session's CSRF token. */
    static final String CSRF_HEADER = "X-CSRF-Token";

    private static final String BEARER = "Bearer ";
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD);

    private final Map<TokenHash, AdminToken> tokens = new HashMap<>();
    private final AuthThrottle throttle;
    private final DashboardSessions sessions;

    /**
     * @param tokens   every admin token
     * @param throttle counts the admin port's failed tokens per address
     * @param sessions the dashboard's signed-in browsers
     */
    AdminAuth(List<AdminToken> tokens, AuthThrottle throttle, DashboardSessions sessions) {
        tokens.forEach(token -> this.tokens.put(token.hash(), token));
        this.throttle = throttle;
        this.sessions = sessions;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<String> presented = bearer(ctx);
        Cookie cookie = ctx.request().getCookie(COOKIE);
        if (presented.isEmpty() && cookie != null) {
            bySession(ctx, cookie.getValue());
            return;
        }
        check(ctx, presented).ifPresent(token -> admit(ctx, token));
    }

    /**
     * Looks a presented admin token up through the throttle: empty, with the request failed, when it is missing or
     * unknown (401) or the token or address is over the throttle (429).
     */
    Optional<AdminToken> check(RoutingContext ctx, Optional<String> presented) {
        String address = ctx.request().remoteAddress().hostAddress();
        if (throttle.blocked(address, presented.orElse(null))) {
            ctx.fail(tooManyFailures());
            return Optional.empty();
        }
        Optional<AdminToken> token = presented.map(TokenHash::ofPlain).map(tokens::get);
        if (token.isEmpty() && throttle.failed(address, presented.orElse(null))) {
            ctx.fail(tooManyFailures());
        } else if (token.isEmpty()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"relay-admin\"");
            ctx.fail(new ClientErrorException(401, "unauthorized", "a valid admin bearer token is required"));
        }
        return token;
    }

    private void bySession(RoutingContext ctx, String cookie) {
        Optional<DashboardSessions.Session> session = sessions.find(cookie);
        if (session.isEmpty()) {
            ctx.fail(new ClientErrorException(401, "unauthorized", "the dashboard session has ended; sign in again"));
        } else if (!READS.contains(ctx.request().method())
                && !session.get().csrfMatches(ctx.request().getHeader(CSRF_HEADER))) {
            ctx.fail(new ClientErrorException(403, "csrf", "a change needs the session's " + CSRF_HEADER + " header"));
        } else {
            ctx.put(SESSION, session.get());
            sessions.hold(cookie, ctx);
            admit(ctx, session.get().token());
        }
    }

    private static void admit(RoutingContext ctx, AdminToken token) {
        if (token.readOnly() && !READS.contains(ctx.request().method())) {
            ctx.fail(new ClientErrorException(403, "forbidden", "this admin token may only read"));
        } else {
            ctx.put(ACTOR, token.name());
            ctx.put(READ_ONLY, token.readOnly());
            ctx.next();
        }
    }

    /** Whether the request's token may only read (also when no token was checked). */
    static boolean readOnly(RoutingContext ctx) {
        return !Boolean.FALSE.equals(ctx.get(READ_ONLY));
    }

    private static ClientErrorException tooManyFailures() {
        return new ClientErrorException(429, "too_many_failures", "too many failed admin tokens; retry later");
    }

    private static Optional<String> bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = header.substring(BEARER.length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
