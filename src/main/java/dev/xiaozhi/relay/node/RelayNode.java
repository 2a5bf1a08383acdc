package dev.xiaozhi.relay.node;

import com.hazelcast.core.HazelcastInstance;
import dev.xiaozhi.relay.admin.AdminApi;
import dev.xiaozhi.relay.admin.AdminVerticle;
import dev.xiaozhi.relay.admin.DeviceRoutes;
import dev.xiaozhi.relay.admin.NodeRoutes;
import dev.xiaozhi.relay.admin.ProviderRoutes;
import dev.xiaozhi.relay.admin.TenantRoutes;
import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.auth.ConfiguredDevices.PipeEndpoint;
import dev.xiaozhi.relay.auth.ConfiguredDevices;
import dev.xiaozhi.relay.auth.GeneratedTokenStore;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.RecordCodec;
import dev.xiaozhi.relay.cluster.ClusterSetup;
import dev.xiaozhi.relay.cluster.Membership;
import dev.xiaozhi.relay.config.AuthConfig;
import dev.xiaozhi.relay.config.Placement;
import dev.xiaozhi.relay.config.RegistryConfig;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.pipe.PipeVerticle;
import dev.xiaozhi.relay.front.websocket.DeviceUrls;
import dev.xiaozhi.relay.front.websocket.WebSocketFrontVerticle;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.protocol.ResultTruncator;
import dev.xiaozhi.relay.registry.EmbeddedHazelcast;
import dev.xiaozhi.relay.registry.RegistryServices;
import dev.xiaozhi.relay.routing.Catalog;
import dev.xiaozhi.relay.routing.NodeCatalog;
import dev.xiaozhi.relay.routing.TargetRouter;
import dev.xiaozhi.relay.secret.SecretResolver;
import dev.xiaozhi.relay.upstream.TargetClients;
import dev.xiaozhi.relay.upstream.TargetVerticle;
import dev.xiaozhi.relay.upstream.provider.ProviderSlots;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one relay node: creates Vert.x (clustered or not) and finds the registry's Hazelcast
 * member (the cluster manager's, or an embedded one), starts the registry, wires every part by hand and deploys
 * targets first, then the fronts and the outbound pipes, then the admin port. Ready once all of it is deployed;
 * {@link #stop()} drains.
 */
public final class RelayNode {

    private static final Logger LOG = LoggerFactory.getLogger(RelayNode.class);
    private static final long TARGETS_LISTED_WAIT_MS = 10_000;
    /** How long a draining node waits at most for the others to have dialled its pipes. */
    private static final long PIPE_HANDOVER_TIMEOUT_MS = 10_000;
    private static final String PIPE_KEY_PREFIX = "pipe:";
    /** How long a pipe sync waits for more registry changes to come with the first. */
    private static final long PIPE_SYNC_DELAY_MS = 100;

    private final RelayConfig config;
    private final Vertx vertx;
    private final PrometheusMeterRegistry prometheus;
    private final RelayMetrics metrics;
    private final Readiness readiness;
    private final NodeCatalog catalog;
    private final List<WebSocketFrontVerticle> fronts = new CopyOnWriteArrayList<>();
    private final List<String> targetDeployments = new ArrayList<>();
    private final StateDirectory state;
    private final HazelcastInstance hazelcast;
    private final boolean embeddedHazelcast;
    private final AuthThrottle throttle;
    private final ProviderSlots providers = new ProviderSlots();
    private final SecretResolver secrets;
    private final TargetRouter router;
    private final Membership membership;
    private SinglePlacedTargets singleTargets;
    private RegistryServices registryServices;
    private List<PipeEndpoint> endpoints = List.of();
    private final AtomicBoolean pipeSyncPending = new AtomicBoolean();
    private String frontDeployment;
    private String pipeDeployment;
    private PipeVerticle pipes;
    private AdminVerticle admin;
    private Promise<Void> stopped;

    private RelayNode(RelayConfig config, StateDirectory state, Vertx vertx, PrometheusMeterRegistry prometheus,
            Membership membership, HazelcastInstance hazelcast, boolean embeddedHazelcast) {
        this.config = config;
        this.state = state;
        this.hazelcast = hazelcast;
        this.embeddedHazelcast = embeddedHazelcast;
        this.throttle = new AuthThrottle(config.server().authFailures());
        this.vertx = vertx;
        this.prometheus = prometheus;
        this.membership = membership;
        this.metrics = new RelayMetrics(prometheus);
        this.readiness = new Readiness(vertx);
        this.catalog = new NodeCatalog(config.server().pageSize());
        this.secrets = new SecretResolver(vertx, config.environment(), config.secrets());
        this.router = new TargetRouter(vertx.eventBus());
    }

    /**
     * Starts a node, joining its cluster first when clustering is on. Blocking set-up (token and key files, the
     * cluster join, the embedded registry member) happens on the calling thread, which must not be an event loop.
     */
    public static Future<RelayNode> start(RelayConfig config) {
        StateDirectory local = StateDirectory.load(config);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
        if (config.cluster().enabled()) {
            options.setEventBusOptions(ClusterSetup.eventBus(config.cluster()));
        }
        VertxBuilder builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(prometheus));
        Vertx vertx;
        Future<Membership> membership;
        HazelcastInstance hazelcast;
        if (config.cluster().enabled()) {
            HazelcastClusterManager manager = new HazelcastClusterManager(ClusterSetup.hazelcast(config.cluster()));
            try {
                vertx = builder.withClusterManager(manager).buildClustered().await();
            } catch (Exception e) {
                return Future.failedFuture(new IllegalStateException("cannot join the cluster: " + e.getMessage(), e));
            }
            RecordCodec.registerAll(vertx.eventBus());
            membership = Membership.clustered(vertx, manager);
            hazelcast = manager.getHazelcastInstance();
            if (config.registry().encryptionKey().isEmpty()) {
                local = local.withCipher(local.cipher().sharedIn(hazelcast));
            }
            if (config.registry().store() == RegistryConfig.StoreKind.FILE) {
                LOG.warn("the registry's file store keeps each node's writes on that node only; give a cluster "
                        + "the postgres store");
            }
        } else {
            vertx = builder.build();
            RecordCodec.registerAll(vertx.eventBus());
            membership = Future.succeededFuture(Membership.single(vertx, UUID.randomUUID().toString()));
            hazelcast = EmbeddedHazelcast.startAlone();
        }
        boolean embedded = !config.cluster().enabled();
        Promise<RelayNode> started = Promise.promise();
        StateDirectory state = local;
        membership.onFailure(e -> vertx.close().onComplete(closed -> started.fail(e))).onSuccess(joined -> {
            RelayNode node = new RelayNode(config, state, vertx, prometheus, joined, hazelcast, embedded);
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
        FrontContext front = new FrontContext(catalog, vertx.eventBus(), router,
                new ResultTruncator(config.server().maxResultBytes()), UUID.randomUUID().toString().substring(0, 8),
                RelayInfo.version(), () -> membership.active().size());
        int instances = config.server().instances() > 0 ? config.server().instances()
                : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        return RegistryServices.start(vertx, hazelcast, config, state.cipher(), state.devices())
                .compose(started -> {
                    registryServices = started;
                    return catalog.start(vertx);
                })
                .compose(v -> deployTargets())
                .compose(v -> vertx.deployVerticle(() -> {
                    WebSocketFrontVerticle verticle = new WebSocketFrontVerticle(config.server(), front,
                            registryServices.registry(), throttle, registryServices.providers(), providers, readiness,
                            metrics);
                    fronts.add(verticle);
                    return verticle;
                }, new DeploymentOptions().setInstances(instances)))
                .compose(id -> {
                    frontDeployment = id;
                    return deployPipes(front);
                })
                .compose(v -> {
                    admin = new AdminVerticle(config.admin(), readiness, prometheus, metrics, adminApi(front));
                    return vertx.deployVerticle(admin);
                })
                .onSuccess(id -> {
                    readiness.markDeployed();
                    LOG.info("relay ready [port: {}, admin port: {}, targets: {}, fronts: {}, nodes: {}, "
                            + "registry: {}]", port(), adminPort(), targetDeployments.size(), instances,
                            membership.active().size(), config.registry().store().name().toLowerCase(Locale.ROOT));
                })
                .mapEmpty();
    }

    /**
     * Dials out for the registry's device endpoints this node owns, once every target listed its tools (or after a
     * short wait); follows the registry's changes and membership, so that each endpoint has one owner among the
     * live nodes.
     */
    private Future<Void> deployPipes(FrontContext front) {
        return registryServices.registry().pipeEndpoints().compose(found -> {
            endpoints = found;
            pipes = new PipeVerticle(ownedEndpoints(), config.pipes(), front);
            metrics.registerPipes(pipes::statuses);
            return (endpoints.isEmpty() ? Future.<Void>succeededFuture() : targetsListed())
                    .compose(v -> vertx.deployVerticle(pipes));
        }).compose(id -> {
            pipeDeployment = id;
            membership.onChange(() -> pipes.update(ownedEndpoints()));
            return vertx.eventBus().<String>consumer(EventBusAddresses.REGISTRY_CHANGED,
                    message -> syncPipesSoon()).completion();
        });
    }

    /** Follows a burst of registry changes with one pipe sync, shortly after its first change. */
    private void syncPipesSoon() {
        if (pipeSyncPending.compareAndSet(false, true)) {
            vertx.setTimer(PIPE_SYNC_DELAY_MS, id -> {
                pipeSyncPending.set(false);
                syncPipes();
            });
        }
    }

    private Future<Void> syncPipes() {
        return registryServices.registry().pipeEndpoints().compose(found -> {
            endpoints = found;
            return pipes.update(ownedEndpoints());
        }).onFailure(e -> LOG.warn("pipes not updated from the registry: {}", e.getMessage()));
    }

    private AdminApi adminApi(FrontContext front) {
        return new AdminApi(state.adminTokens(), new TenantRoutes(registryServices.registry()),
                new DeviceRoutes(registryServices.registry(), config.registry().rotationGrace(),
                        token -> DeviceUrls.withToken(config.server(), port(), token)),
                new ProviderRoutes(registryServices.providers(), config.registry().rotationGrace()),
                new NodeRoutes(front.sessions(), metrics));
    }

    private List<PipeEndpoint> ownedEndpoints() {
        return endpoints.stream().filter(endpoint -> membership.owns(PIPE_KEY_PREFIX + endpoint.identity().tenant()
                + "/" + endpoint.identity().device())).toList();
    }

    private Future<Void> targetsListed() {
        Set<String> expected = new HashSet<>();
        config.targets().values().stream().filter(TargetConfig::enabled).forEach(t -> expected.add(t.name()));
        Promise<Void> listed = Promise.promise();
        Consumer<Catalog> check = catalog -> {
            Set<String> present = new HashSet<>();
            catalog.tools().forEach(tool -> present.add(tool.target()));
            if (present.containsAll(expected)) {
                listed.tryComplete();
            }
        };
        catalog.addListener(check);
        check.accept(catalog.current());
        vertx.setTimer(TARGETS_LISTED_WAIT_MS, id -> listed.tryComplete());
        return listed.future().onComplete(done -> catalog.removeListener(check));
    }

    /** Deploys the targets that run on every node, and those placed on this one. */
    private Future<Void> deployTargets() {
        List<Future<String>> deployments = new ArrayList<>();
        List<TargetConfig> single = new ArrayList<>();
        for (TargetConfig target : config.targets().values()) {
            if (target.enabled() && target.placement() == Placement.SINGLE) {
                single.add(target);
            } else if (target.enabled()) {
                deployments.add(vertx.deployVerticle(targetVerticle(target)).onSuccess(targetDeployments::add));
            }
        }
        singleTargets = new SinglePlacedTargets(vertx, membership, single, this::targetVerticle);
        return Future.all(deployments).compose(v -> singleTargets.start());
    }

    private TargetVerticle targetVerticle(TargetConfig target) {
        return new TargetVerticle(target, TargetClients.create(vertx, target, providers, secrets,
                tenantCredentials(target.name())), metrics, router);
    }

    /** Tenants' own credentials for a target, by tenant id. */
    private Map<String, AuthConfig> tenantCredentials(String target) {
        Map<String, AuthConfig> byTenant = new LinkedHashMap<>();
        config.tenants().values().forEach(tenant -> {
            AuthConfig auth = tenant.credentials().get(target);
            if (auth != null) {
                byTenant.put(tenant.id(), auth);
            }
        });
        return byTenant;
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
        Future<Void> pipesStopped = pipeDeployment == null ? Future.succeededFuture() : handOverPipes()
                .compose(v -> vertx.undeploy(pipeDeployment));
        Future<Void> frontsStopped = Future.join(pipesStopped, frontDeployment == null ? Future.succeededFuture()
                : vertx.undeploy(frontDeployment)).mapEmpty();
        frontsStopped
                .eventually(() -> Future.join(targetDeployments.stream().map(vertx::undeploy).toList()))
                .eventually(() -> singleTargets == null ? Future.succeededFuture() : singleTargets.stop())
                .onComplete(drained -> closeAll().onComplete(stopped));
        return stopped.future().onComplete(done -> LOG.info("stopped"));
    }

    /**
     * In a cluster, tells the other nodes that this one drains and keeps its pipes until they have dialled them, so
     * that the Xiaozhi side is never without a socket.
     */
    private Future<Void> handOverPipes() {
        return membership.announceDraining(vertx, PIPE_HANDOVER_TIMEOUT_MS);
    }

    /**
     * Takes the tenants and devices of a newer configuration without a restart: what changed in the file is imported
     * into the registry, and the pipes follow (changed URLs are dialled at once, new ones get a pipe, removed ones
     * are closed). Blocking (token files): call it off the event loops.
     */
    public Future<Void> reload(RelayConfig next) {
        ConfiguredDevices reloaded = ConfiguredDevices.load(next, new GeneratedTokenStore(next.node().stateDir()));
        return registryServices.importConfig(next, reloaded).compose(v -> syncPipes());
    }

    /**
     * Releases secrets, the registry's store and its embedded Hazelcast member, then closes Vert.x. The returned
     * future is bound to no context (Vert.x is gone when it completes) and never fails.
     */
    private Future<Void> closeAll() {
        secrets.close();
        Promise<Void> closed = Promise.promise();
        Future<Void> storeClosed = registryServices == null ? Future.succeededFuture()
                : registryServices.store().close();
        storeClosed.transform(v -> !embeddedHazelcast ? Future.<Void>succeededFuture() : vertx.<Void>executeBlocking(
                () -> {
                    hazelcast.shutdown();
                    return null;
                })).onComplete(released -> vertx.close().onComplete(done -> closed.complete()));
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
        return membership;
    }

    /** The node's metrics. */
    public RelayMetrics metrics() {
        return metrics;
    }
}
