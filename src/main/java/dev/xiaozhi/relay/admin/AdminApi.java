package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.RelayException;
import dev.xiaozhi.relay.model.ServerErrorException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@value #BASE}: tenants, devices and their tokens, provider tokens, and what the node runs
 * (sessions, pipes, targets). Bearer-token protected ({@link AdminAuth}); every failure is a JSON body
 * {@code {error, message, fields?}}; every change is audited. Its OpenAPI document is served at {@value #OPENAPI},
 * without a token.
 */
public final class AdminApi {

    /** Base path of every route. */
    public static final String BASE = "/admin/v1";
    /** The OpenAPI document of this API, relative to {@link #BASE}. */
    public static final String OPENAPI = "/openapi.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final long MAX_BODY_BYTES = 64 * 1024;
    private static final String OPENAPI_RESOURCE = "/admin-openapi.yaml";

    private final List<AdminToken> tokens;
    private final TenantRoutes tenants;
    private final DeviceRoutes devices;
    private final ProviderRoutes providers;
    private final NodeRoutes node;
    private final FleetRoutes fleet;
    private final AuthThrottle throttle;

    /** Creates the API from its route groups; {@code throttle} counts failed admin tokens (the admin port's own). */
    public AdminApi(List<AdminToken> tokens, AuthThrottle throttle, TenantRoutes tenants, DeviceRoutes devices,
            ProviderRoutes providers, NodeRoutes node, FleetRoutes fleet) {
        this.tokens = List.copyOf(tokens);
        this.throttle = throttle;
        this.tenants = tenants;
        this.devices = devices;
        this.providers = providers;
        this.node = node;
        this.fleet = fleet;
    }

    /** Starts what the API runs besides its routes (this node's part of the fleet view, its stream's tick). */
    Future<Void> start(Vertx vertx) {
        return fleet.start(vertx);
    }

    /** Stops it. */
    Future<Void> stop() {
        return fleet.stop();
    }

    /** The API's router, to be mounted at {@link #BASE}; the dashboard's signed-in browsers may use it too. */
    Router router(Vertx vertx, DashboardSessions sessions) {
        Router router = Router.router(vertx);
        Buffer openApi = Buffer.buffer(openApiDocument());
        router.get(OPENAPI).handler(ctx -> ctx.response().putHeader("content-type", "application/yaml")
                .end(openApi));
        router.route().handler(auth(sessions));
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        tenants.mount(router);
        devices.mount(router);
        providers.mount(router);
        node.mount(router);
        fleet.mount(router);
        router.route().last().handler(ctx -> ctx.fail(new ClientErrorException(404, "not_found", "no such route")));
        router.route().failureHandler(AdminApi::fail);
        return router;
    }

    /** The dashboard's router, to be mounted at {@link DashboardRoutes#BASE}: its page, sign-in and sign-out. */
    Router dashboardRouter(Vertx vertx, DashboardSessions sessions) {
        Router router = new DashboardRoutes(auth(sessions), sessions).router(vertx);
        router.route().failureHandler(AdminApi::fail);
        return router;
    }

    private AdminAuth auth(DashboardSessions sessions) {
        return new AdminAuth(tokens, throttle, sessions);
    }

    /** Runs a handler whose result is JSON with the given status, failures going to the failure handler. */
    static void respond(RoutingContext ctx, int status, Future<?> result) {
        result.onSuccess(body -> {
            if (body == null) {
                ctx.response().setStatusCode(status).end();
            } else {
                ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                        .end(body instanceof JsonObject json ? json.encode() : String.valueOf(body));
            }
        }).onFailure(ctx::fail);
    }

    /** The request body as a JSON object; a missing body is an empty object. */
    static JsonObject body(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().length() == 0) {
            return new JsonObject();
        }
        try {
            return ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw ClientErrorException.badRequest("the body must be a JSON object");
        }
    }

    /** A page size from {@code ?limit=} (1 to 1000, default 100). */
    static int limit(RoutingContext ctx) {
        String text = ctx.queryParams().get("limit");
        if (text == null) {
            return 100;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= 1000) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ClientErrorException.invalid(Map.of("limit", "expected an integer from 1 to 1000"));
    }

    /** Answers a failed request with its status and a JSON error body. */
    static void fail(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        RelayException error;
        if (failure instanceof RelayException relay) {
            error = relay;
        } else if (failure == null && ctx.statusCode() == 413) {
            error = new ClientErrorException(413, "too_large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
        } else if (failure == null) {
            error = RelayException.of(ctx.statusCode(), "error", "request failed");
        } else {
            LOG.warn("admin request failed [method: {}, path: {}]", ctx.request().method(), ctx.request().path(),
                    failure);
            error = ServerErrorException.internal();
        }
        ctx.response().setStatusCode(error.status()).putHeader("content-type", "application/json")
                .end(errorBody(error).encode());
    }

    /** {@code {"error": code, "message": text, "fields": {...}}}, fields only for a validation error. */
    private static JsonObject errorBody(RelayException error) {
        JsonObject body = new JsonObject().put("error", error.code()).put("message", error.getMessage());
        if (!error.fields().isEmpty()) {
            JsonObject byField = new JsonObject();
            error.fields().forEach(byField::put);
            body.put("fields", byField);
        }
        return body;
    }

    private static byte[] openApiDocument() {
        try (InputStream in = AdminApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
