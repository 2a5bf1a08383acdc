package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.config.AdminConfig;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port: health, per-target detail, Prometheus metrics, the admin API and the dashboard. Bound to loopback
 * unless configured otherwise.
 */
public final class AdminVerticle extends VerticleBase {

    /** Metrics path. */
    public static final String METRICS_PATH = "/metrics";
    /** Outbound pipe status (never a URL or token). */
    public static final String PIPES_PATH = "/health/pipes";
    /** Per-target health detail; never part of readiness. */
    public static final String TARGETS_PATH = "/health/targets";

    private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);

    private final AdminConfig config;
    private final Readiness readiness;
    private final PrometheusMeterRegistry registry;
    private final RelayMetrics metrics;
    private final AdminApi api;
    private HttpServer server;

    /** Creates the verticle; every collaborator is required. */
    public AdminVerticle(AdminConfig config, Readiness readiness, PrometheusMeterRegistry registry,
            RelayMetrics metrics, AdminApi api) {
        this.config = Objects.requireNonNull(config);
        this.readiness = Objects.requireNonNull(readiness);
        this.registry = Objects.requireNonNull(registry);
        this.metrics = Objects.requireNonNull(metrics);
        this.api = Objects.requireNonNull(api);
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        readiness.mount(router);
        DashboardSessions sessions = new DashboardSessions(config.dashboard());
        router.route(AdminApi.BASE + "/*").subRouter(api.router(vertx, sessions));
        router.route(DashboardRoutes.BASE + "/*").subRouter(api.dashboardRouter(vertx, sessions));
        router.get("/").handler(DashboardRoutes::redirect);
        router.get(METRICS_PATH).handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape()));
        router.get(TARGETS_PATH).handler(ctx -> {
            JsonArray targets = new JsonArray();
            new TreeMap<>(metrics.targets()).forEach((name, state) -> targets.add(new JsonObject().put("target", name)
                    .put("circuit", state.circuit().get()).put("tools", state.tools().getAsInt())));
            ctx.json(new JsonObject().put("targets", targets));
        });
        router.get(PIPES_PATH).handler(ctx -> ctx.json(new JsonObject().put("pipes", new JsonArray(
                metrics.pipes().stream().map(JsonObject::mapFrom).toList()))));
        return api.start(vertx).compose(v -> vertx.createHttpServer().requestHandler(router)
                .listen(config.port(), config.host()))
                .onSuccess(s -> {
                    server = s;
                    LOG.info("admin port listening [host: {}, port: {}]", config.host(), s.actualPort());
                });
    }

    @Override
    public Future<?> stop() {
        return (server == null ? Future.<Void>succeededFuture() : server.close()).eventually(api::stop);
    }

    /** The port actually bound. */
    public int actualPort() {
        return server.actualPort();
    }
}
