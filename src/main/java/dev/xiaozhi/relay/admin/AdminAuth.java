package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.TokenHash;
import io.vertx.core.Handler;
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
 */
final class AdminAuth implements Handler<RoutingContext> {

    /** Routing-context key of the authenticated token's name. */
    static final String ACTOR = "admin.actor";
    /** Routing-context key of whether the authenticated token may only read. */
    static final String READ_ONLY = "admin.readOnly";

    private static final String BEARER = "Bearer ";
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD);

    private final Map<TokenHash, AdminToken> tokens = new HashMap<>();
    private final AuthThrottle throttle;

    /**
     * @param tokens   every admin token
     * @param throttle counts the admin port's failed tokens per address
     */
    AdminAuth(List<AdminToken> tokens, AuthThrottle throttle) {
        tokens.forEach(token -> this.tokens.put(token.hash(), token));
        this.throttle = throttle;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String address = ctx.request().remoteAddress().hostAddress();
        Optional<String> presented = bearer(ctx);
        if (throttle.blocked(address, presented.orElse(null))) {
            ctx.fail(tooManyFailures());
            return;
        }
        Optional<AdminToken> token = presented.map(TokenHash::ofPlain).map(tokens::get);
        if (token.isEmpty() && throttle.failed(address, presented.orElse(null))) {
            ctx.fail(tooManyFailures());
        } else if (token.isEmpty()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"relay-admin\"");
            ctx.fail(new ClientErrorException(401, "unauthorized", "a valid admin bearer token is required"));
        } else if (token.get().readOnly() && !READS.contains(ctx.request().method())) {
            ctx.fail(new ClientErrorException(403, "forbidden", "this admin token may only read"));
        } else {
            ctx.put(ACTOR, token.get().name());
            ctx.put(READ_ONLY, token.get().readOnly());
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
