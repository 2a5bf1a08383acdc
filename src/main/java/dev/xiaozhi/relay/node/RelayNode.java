package dev.xiaozhi.relay.node;

import dev.xiaozhi.relay.admin.AdminApi;
import dev.xiaozhi.relay.admin.AdminVerticle;
import dev.xiaozhi.relay.admin.DeviceRoutes;
import dev.xiaozhi.relay.admin.FleetGather;
import dev.xiaozhi.relay.admin.FleetNode;
import dev.xiaozhi.relay.admin.FleetRoutes;
import dev.xiaozhi.relay.admin.FleetView;
import dev.xiaozhi.relay.admin.NodeRoutes;
import dev.xiaozhi.relay.admin.ProviderRoutes;
import dev.xiaozhi.relay.admin.TenantRoutes;
import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.auth.ConfiguredDevices;
import dev.xiaozhi.relay.auth.GeneratedTokenStore;
import dev.xiaozhi.relay.cluster.Membership;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.front.DeviceGate;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.http.ForwardedRequestsVerticle;
import dev.xiaozhi.relay.front.http.HttpSessions;
import dev.xiaozhi.relay.front.http.StreamableHttpFront;
import dev.xiaozhi.relay.front.pipe.PipeVerticle;
import dev.xiaozhi.relay.front.websocket.DeviceUrls;
import dev.xiaozhi.relay.front.websocket.WebSocketFrontVerticle;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.registry.RegistryServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one relay node: reads its state directory, starts its runtime (Vert.x, clustered or not,
 * and the registry's live maps) and its registry, wires every part by hand and deploys the targets first,
 * then the fronts and the outbound pipes, then the admin port. Ready once all of it is deployed; {@link #stop()}
 * drains.
 */
public final class RelayNode {

    private static final Logger LOG = LoggerFactory.getLogger(RelayNode.class);
    /**
     * How much of its cluster id (a UUID) names a node in relay-side call ids, progress addresses and HTTP session
     * ids: 32 random bits, so that two nodes of a cluster share it about never.
     */
    private static final int NODE_TAG_LENGTH = 8;

    private final RelayConfig config;
    private final StateDirectory state;
    private final NodeRuntime runtime;
    private final Vertx vertx;
    private final RelayMetrics metrics;
    private final Readiness readiness;
    private final NodeWiring wiring;
    private final TargetDeployments targets;
    private final List<WebSocketFrontVerticle> fronts = new CopyOnWriteArrayList<>();
    private RegistryServices registryServices;
    private PipePlacement pipes;
    private String frontDeployment;
    private AdminVerticle admin;
    private Promise<Void> stopped;

    private RelayNode(RelayConfig config, StateDirectory state, NodeRuntime runtime) {
        this.config = config;
        this.state = state;
        this.runtime = runtime;
        this.vertx = runtime.vertx();
        this.metrics = new RelayMetrics(runtime.prometheus());
        this.readiness = new Readiness(vertx);
        this.wiring = new NodeWiring(vertx, config, metrics);
        this.targets = new TargetDeployments(vertx, runtime.membership(), config.targets().values(),
                wiring::targetVerticle);
    }

    /**
     * Starts a node, joining its cluster first when clustering is on. Blocking set-up (token and key files, the
     * cluster join) happens on the calling thread, which must not be an event loop.
     */
    public static Future<RelayNode> start(RelayConfig config) {
        StateDirectory state = StateDirectory.load(config);
        Promise<RelayNode> started = Promise.promise();
        NodeRuntime.start(config, state.cipher()).onFailure(started::fail).onSuccess(runtime -> {
            RelayNode node = new RelayNode(config, state, runtime);
            node.deploy().onComplete(deployed -> {
                if (deployed.succeeded()) {
                    started.complete(node);
                } else {
                    node.closeAll().onComplete(closed -> started.fail(deployed.cause()));
                }
            });
        });
        return started.future();
    }

    private Future<Void> deploy() {
        Membership membership = runtime.membership();
        String nodeId = membership.self().substring(0, NODE_TAG_LENGTH);
        FrontContext front = wiring.frontContext(nodeId, () -> membership.active().size());
        int instances = config.server().instances() > 0 ? config.server().instances()
                : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        AuthThrottle throttle = new AuthThrottle(config.server().authFailures());
        HttpSessions httpSessions = new HttpSessions(nodeId, config.server().http().maxSessionsPerDevice(),
                tag -> membership.members().stream().anyMatch(member -> member.startsWith(tag)));
        membership.onMembersChanged(httpSessions::nodesChanged);
        return RegistryServices.start(vertx, runtime.registryMaps(), config, runtime.cipher(), state.devices())
                .compose(started -> {
                    registryServices = started;
                    return wiring.catalog().start(vertx);
                })
                .compose(v -> targets.start())
                .compose(v -> vertx.deployVerticle(() -> {
                    WebSocketFrontVerticle verticle = new WebSocketFrontVerticle(config.server(), front,
                            registryServices.registry(), new DeviceGate(registryServices.registry(), throttle),
                            httpSessions, registryServices.providers(), wiring.providers(), readiness, metrics);
                    fronts.add(verticle);
                    return verticle;
                }, new DeploymentOptions().setInstances(instances)))
                .compose(id -> {
                    frontDeployment = id;
                    return vertx.deployVerticle(new ForwardedRequestsVerticle(httpSessions,
                            StreamableHttpFront.forwardHopTimeout(config.server()),
                            config.server().writeQueueMaxBytes()));
                })
                .compose(id -> {
                    pipes = new PipePlacement(vertx, registryServices.registry(), membership,
                            () -> TargetsListed.await(vertx, wiring.catalog(), config.targets().values()),
                            owned -> new PipeVerticle(owned, config.pipes(), front, registryServices.registry(),
                                    metrics, config.server().shutdownGrace()));
                    metrics.registerPipes(pipes::statuses);
                    return pipes.start();
                })
                .compose(v -> {
                    admin = new AdminVerticle(config.admin(), readiness, runtime.prometheus(), metrics,
                            adminApi(front, membership, nodeId));
                    return vertx.deployVerticle(admin);
                })
                .onSuccess(id -> {
                    readiness.markDeployed();
                    LOG.info("relay ready [port: {}, admin port: {}, targets: {}, fronts: {}, nodes: {}, "
                            + "registry: {}, transport: {}]", port(), adminPort(), targets.everywhere(), instances,
                            membership.active().size(), config.registry().store().name().toLowerCase(Locale.ROOT),
                            vertx.isNativeTransportEnabled() ? "epoll" : "nio");
                })
                .mapEmpty();
    }

    private AdminApi adminApi(FrontContext front, Membership membership, String nodeId) {
        return new AdminApi(state.adminTokens(), new AuthThrottle(config.server().authFailures().perAddress()),
                new TenantRoutes(registryServices.registry()),
                new DeviceRoutes(registryServices.registry(), config.registry().rotationGrace(),
                        token -> DeviceUrls.withToken(config.server(), port(), token)),
                new ProviderRoutes(registryServices.providers(), config.registry().rotationGrace()),
                new NodeRoutes(front.sessions(), metrics),
                new FleetRoutes(new FleetView(registryServices.registry(), new FleetGather(membership, NODE_TAG_LENGTH),
                        wiring.catalog()), new FleetNode(membership.self(), nodeId, readiness, metrics,
                        front.sessions())));
    }

    /**
     * Drains and stops the node: readiness goes DOWN, new sessions are refused, in-flight calls get up to the
     * shutdown grace to finish, sessions are closed with 1001, then targets and Vert.x stop. The returned future is
     * bound to no context, since every context ends with Vert.x.
     */
    public synchronized Future<Void> stop() {
        if (stopped != null) {
            return stopped.future();
        }
        stopped = Promise.promise();
        readiness.markDraining();
        LOG.info("draining [sessions: {}]", metrics.openSessions());
        Future<Void> pipesStopped = pipes == null ? Future.succeededFuture() : pipes.stop();
        Future.join(pipesStopped, frontDeployment == null ? Future.succeededFuture()
                        : vertx.undeploy(frontDeployment))
                .eventually(targets::stop)
                .onComplete(drained -> closeAll().onComplete(stopped));
        return stopped.future().onComplete(done -> LOG.info("stopped"));
    }

    /**
     * Takes the tenants and devices of a newer configuration without a restart: what changed in the file is imported
     * into the registry, and the pipes follow (changed URLs are dialled at once, new ones get a pipe, removed ones
     * are closed). Blocking (token files): call it off the event loops.
     */
    public Future<Void> reload(RelayConfig next) {
        ConfiguredDevices reloaded = ConfiguredDevices.load(next, new GeneratedTokenStore(next.node().stateDir()));
        return registryServices.importConfig(next, reloaded).compose(v -> pipes.sync());
    }

    /**
     * Releases secrets and the registry's store, then the runtime. The returned future is bound to no context
     * (Vert.x is gone when it completes) and never fails.
     */
    private Future<Void> closeAll() {
        wiring.close();
        Promise<Void> closed = Promise.promise();
        Future<Void> storeClosed = registryServices == null ? Future.succeededFuture()
                : registryServices.store().close();
        storeClosed.onComplete(v -> runtime.close().onComplete(closed));
        return closed.future();
    }

    /** Tokens generated for configured devices in this start, each to be shown once. */
    public List<ConfiguredDevices.GeneratedToken> generatedTokens() {
        return state.devices().generated();
    }

    /** The device port actually bound. */
    public int port() {
        return fronts.get(0).actualPort();
    }

    /** The admin port actually bound. */
    public int adminPort() {
        return admin.actualPort();
    }

    /** The node's Vert.x instance. */
    public Vertx vertx() {
        return vertx;
    }

    /** Which nodes share the work, and what this one owns. */
    public Membership membership() {
        return runtime.membership();
    }

    /** The node's metrics. */
    public RelayMetrics metrics() {
        return metrics;
    }
}
