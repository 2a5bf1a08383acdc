package dev.xiaozhi.relay.ops;

import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * Liveness and readiness of a node. Ready once every verticle is deployed and until draining begins.
 */
public final class Readiness {

    /** Liveness path. */
    public static final String LIVE_PATH = "/health/live";
    /** Readiness path. */
    public static final String READY_PATH = "/health/ready";

    private final HealthChecks liveness;
    private final HealthChecks readiness;
    private volatile boolean deployed;
    private volatile boolean draining;

    /** Creates the checks for a Vert.x instance. */
    public Readiness(Vertx vertx) {
        this.liveness = HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
        this.readiness = HealthChecks.create(vertx)
                .register("deployed", promise -> promise.complete(deployed ? Status.OK() : Status.KO()))
                .register("accepting", promise -> promise.complete(draining ? Status.KO() : Status.OK()));
    }

    /** Every verticle is deployed. */
    public void markDeployed() {
        deployed = true;
    }

    /** The node drains: no new sessions. */
    public void markDraining() {
        draining = true;
    }

    /** Whether every verticle is deployed and the node does not drain. */
    public boolean ready() {
        return deployed && !draining;
    }

    /** Whether the node drains. */
    public boolean draining() {
        return draining;
    }

    /** Mounts {@link #LIVE_PATH} and {@link #READY_PATH} on a router. */
    public void mount(Router router) {
        router.get(LIVE_PATH).handler(HealthCheckHandler.createWithHealthChecks(liveness));
        router.get(READY_PATH).handler(HealthCheckHandler.createWithHealthChecks(readiness));
    }
}
