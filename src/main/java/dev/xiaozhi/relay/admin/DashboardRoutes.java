package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.model.ClientErrorException;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard under {@value #BASE}: its static page (from the jar's {@value #WEBROOT} folder) and its session.
 * {@code POST /ui/session} takes an admin token from a form body (a token in the URL is refused, and so is a
 * browser's post from another origin), checks it like the API does (same throttle) and answers with the session
 * cookie and the session's CSRF token; {@code GET} tells the page who is signed in, {@code DELETE} signs out. The
 * page itself then calls the admin API with the cookie.
 */
final class DashboardRoutes {

    /** Where the dashboard is served. */
    static final String BASE = "/ui";

    private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);
    private static final String WEBROOT = "dashboard";
    private static final long MAX_FORM_BYTES = 4096;
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final AdminAuth auth;
    private final DashboardSessions sessions;

    DashboardRoutes(AdminAuth auth, DashboardSessions sessions) {
        this.auth = auth;
        this.sessions = sessions;
    }

    /** Sends a browser to the dashboard's page. */
    static void redirect(RoutingContext ctx) {
        ctx.response().setStatusCode(303).putHeader("location", BASE + "/").end();
    }

    Router router(Vertx vertx) {
        sessions.sweepEvery(vertx);
        Router router = Router.router(vertx);
        router.route().handler(DashboardRoutes::headers);
        router.post("/session").handler(BodyHandler.create(false).setBodyLimit(MAX_FORM_BYTES))
                .handler(this::signIn);
        router.get("/session").handler(auth).handler(this::current);
        router.delete("/session").handler(auth).handler(this::signOut);
        router.get("/*").handler(StaticHandler.create(WEBROOT).setCachingEnabled(false)
                .setDefaultContentEncoding("UTF-8"));
        return router;
    }

    private static void headers(RoutingContext ctx) {
        ctx.response().putHeader("content-security-policy", POLICY).putHeader("x-content-type-options", "nosniff")
                .putHeader("x-frame-options", "DENY").putHeader("referrer-policy", "no-referrer")
                .putHeader("cache-control", "no-cache");
        ctx.next();
    }

    private void signIn(RoutingContext ctx) {
        if (ctx.request().query() != null) {
            ctx.fail(new ClientErrorException(400, "token_in_url", "send the token in a form body, never in the URL"));
            return;
        }
        if (!sameOrigin(ctx)) {
            ctx.fail(new ClientErrorException(403, "cross_origin", "sign in from the dashboard's own page"));
            return;
        }
        Optional<String> presented = Optional.ofNullable(ctx.request().formAttributes().get("token"))
                .map(String::trim).filter(token -> !token.isEmpty());
        auth.check(ctx, presented).ifPresent(token -> {
            DashboardSessions.Opened opened = sessions.open(token);
            ctx.response().addCookie(cookie(ctx, opened.cookie()));
            LOG.info("dashboard signed in [actor: {}, role: {}, remote: {}]", token.name(), opened.session().role(),
                    ctx.request().remoteAddress());
            answer(ctx, opened.session());
        });
    }

    /**
     * Whether a browser's sign-in came from a page of the host it was sent to (either scheme, for a proxy that ends
     * TLS); a request without Origin is no browser's.
     */
    private static boolean sameOrigin(RoutingContext ctx) {
        String origin = ctx.request().getHeader("origin");
        HostAndPort authority = ctx.request().authority();
        if (origin == null) {
            return true;
        }
        String host = authority == null ? null
                : authority.host() + (authority.port() >= 0 ? ":" + authority.port() : "");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private void current(RoutingContext ctx) {
        DashboardSessions.Session session = ctx.get(AdminAuth.SESSION);
        if (session == null) {
            ctx.fail(new ClientErrorException(400, "no_session", "this request came without a dashboard session"));
        } else {
            answer(ctx, session);
        }
    }

    private void signOut(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(AdminAuth.COOKIE);
        if (cookie != null) {
            sessions.close(cookie.getValue(), ctx.response());
            LOG.info("dashboard signed out [actor: {}, remote: {}]", ctx.<String>get(AdminAuth.ACTOR),
                    ctx.request().remoteAddress());
        }
        ctx.response().addCookie(cookie(ctx, "").setMaxAge(0)).setStatusCode(204).end();
    }

    private static void answer(RoutingContext ctx, DashboardSessions.Session session) {
        ctx.response().putHeader("cache-control", "no-store");
        ctx.json(new JsonObject().put("actor", session.token().name()).put("role", session.role())
                .put("csrf", session.csrf()));
    }

    private static Cookie cookie(RoutingContext ctx, String value) {
        return Cookie.cookie(AdminAuth.COOKIE, value).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL());
    }
}
