package dev.xiaozhi.relay.node;

import com.hazelcast.core.HazelcastInstance;
import dev.xiaozhi.relay.admin.AdminApi;
import dev.xiaozhi.relay.admin.AdminTokens;
import dev.xiaozhi.relay.admin.DeviceRoutes;
import dev.xiaozhi.relay.admin.NodeRoutes;
import dev.xiaozhi.relay.admin.ProviderRoutes;
import dev.xiaozhi.relay.admin.TenantRoutes;
import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.auth.ConfiguredDevices;
import dev.xiaozhi.relay.auth.GeneratedTokenStore;
import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.config.RegistryConfig;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.pipe.PipeVerticle;
import dev.xiaozhi.relay.front.websocket.DeviceUrls;
import dev.xiaozhi.relay.front.websocket.WebSocketFrontVerticle;
import dev.xiaozhi.relay.ops.AdminVerticle;
import dev.xiaozhi.relay.ops.Readiness;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.protocol.ResultTruncator;
import dev.xiaozhi.relay.registry.ConfigImport;
import dev.xiaozhi.relay.registry.EmbeddedHazelcast;
import dev.xiaozhi.relay.registry.EndpointCipher;
import dev.xiaozhi.relay.registry.ProviderTokens;
import dev.xiaozhi.relay.registry.Registry;
import dev.xiaozhi.relay.registry.store.RegistryStore;
import dev.xiaozhi.relay.registry.store.RegistryStores;
import dev.xiaozhi.relay.routing.Catalog;
import dev.xiaozhi.relay.routing.EventBusAddresses;
import dev.xiaozhi.relay.routing.NodeCatalog;
import dev.xiaozhi.relay.routing.RecordCodec;
import dev.xiaozhi.relay.target.TargetClients;
import dev.xiaozhi.relay.target.TargetVerticle;
import dev.xiaozhi.relay.target.provider.ProviderSlots;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one relay node: creates Vert.x and the registry's Hazelcast member, opens the durable
 * store, loads the registry and imports the configured tenants and devices, wires every part by hand and deploys
 * targets first, then the fronts and the outbound pipes, then the admin port. Ready once all of it is deployed;
 * {@link #stop()} drains.
 */
public final class RelayNode {

    private static final Logger LOG = LoggerFactory.getLogger(RelayNode.class);
    private static final long TARGETS_LISTED_WAIT_MS = 10_000;

    private final RelayConfig config;
    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final RelayMetrics metrics;
    private final Readiness readiness;
    private final NodeCatalog catalog;
    private final List<WebSocketFrontVerticle> fronts = new CopyOnWriteArrayList<>();
    private final List<String> targetDeployments = new ArrayList<>();
    private final ConfiguredDevices devices;
    private final HazelcastInstance hazelcast;
    private final EndpointCipher cipher;
    private final AuthThrottle throttle;
    private final List<AdminToken> adminTokens;
    private final ProviderSlots providers = new ProviderSlots();
    private RegistryStore store;
    private Registry directory;
    private ProviderTokens providerTokens;
    private String frontDeployment;
    private String pipeDeployment;
    private PipeVerticle pipes;
    private AdminVerticle admin;
    private Promise<Void> stopped;

    private RelayNode(RelayConfig config) {
        this.config = config;
        this.devices = ConfiguredDevices.load(config, new GeneratedTokenStore(config.node().stateDir()));
        this.cipher = config.registry().store() == RegistryConfig.StoreKind.MEMORY
                ? new EndpointCipher(EndpointCipher.newKey())
                : EndpointCipher.of(config.registry().encryptionKey(),
                        config.node().stateDir().resolve("registry").resolve("endpoint.key"));
        this.throttle = new AuthThrottle(config.server().authFailures());
        this.adminTokens = AdminTokens.resolve(config.admin(), config.node().stateDir());
        this.hazelcast = EmbeddedHazelcast.startAlone();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        this.metrics = new RelayMetrics(registry);
        this.readiness = new Readiness(vertx);
        this.catalog = new NodeCatalog(config.server().pageSize());
        RecordCodec.registerAll(vertx.eventBus());
    }

    /**
     * Starts a node. Blocking set-up (token files) happens on the calling thread, which must not be an event loop.
     */
    public static Future<RelayNode> start(RelayConfig config) {
        RelayNode node = new RelayNode(config);
        Promise<RelayNode> started = Promise.promise();
        node.deploy().onComplete(deployed -> {
            if (deployed.succeeded()) {
                started.complete(node);
            } else {
                node.closeAll().onComplete(closed -> started.fail(deployed.cause()));
            }
        });
        return started.future();
    }

    private Future<Void> deploy() {
        FrontContext front = new FrontContext(catalog, vertx.eventBus(),
                new ResultTruncator(config.server().maxResultBytes()), UUID.randomUUID().toString().substring(0, 8),
                version());
        int instances = config.server().instances() > 0 ? config.server().instances()
                : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        return RegistryStores.open(vertx, config.registry())
                .compose(opened -> {
                    store = opened;
                    return Registry.start(vertx, hazelcast, store, cipher);
                })
                .compose(started -> {
                    directory = started;
                    return ProviderTokens.start(vertx, hazelcast, store);
                })
                .compose(started -> {
                    providerTokens = started;
                    return ConfigImport.run(directory, providerTokens, config, devices);
                })
                .compose(v -> catalog.start(vertx))
                .compose(v -> deployTargets())
                .compose(v -> vertx.deployVerticle(() -> {
                    WebSocketFrontVerticle verticle = new WebSocketFrontVerticle(config.server(), front,
                            directory, throttle, providerTokens, providers, readiness, metrics);
                    fronts.add(verticle);
                    return verticle;
                }, new DeploymentOptions().setInstances(instances)))
                .compose(id -> {
                    frontDeployment = id;
                    return deployPipes(front);
                })
                .compose(v -> {
                    admin = new AdminVerticle(config.admin(), readiness, registry, metrics, adminApi(front));
                    return vertx.deployVerticle(admin);
                })
                .onSuccess(id -> {
                    readiness.markDeployed();
                    LOG.info("relay ready [port: {}, admin port: {}, targets: {}, fronts: {}, registry: {}]",
                            port(), adminPort(), targetDeployments.size(), instances,
                            config.registry().store().name().toLowerCase(Locale.ROOT));
                })
                .mapEmpty();
    }

    /**
     * Dials out for the registry's devices with an endpoint, once every target listed its tools (or after a short
     * wait), and follows the registry's changes.
     */
    private Future<Void> deployPipes(FrontContext front) {
        return directory.pipeEndpoints().compose(endpoints -> {
            pipes = new PipeVerticle(endpoints, config.pipes(), front);
            metrics.registerPipes(pipes::statuses);
            return (endpoints.isEmpty() ? Future.<Void>succeededFuture() : targetsListed())
                    .compose(v -> vertx.deployVerticle(pipes));
        }).compose(id -> {
            pipeDeployment = id;
            return vertx.eventBus().<String>consumer(EventBusAddresses.REGISTRY_CHANGED,
                    message -> syncPipes()).completion();
        });
    }

    private AdminApi adminApi(FrontContext front) {
        return new AdminApi(adminTokens, new TenantRoutes(directory),
                new DeviceRoutes(directory, config.registry().rotationGrace(),
                        token -> DeviceUrls.withToken(config.server(), port(), token)),
                new ProviderRoutes(providerTokens, config.registry().rotationGrace()),
                new NodeRoutes(front.sessions(), metrics));
    }

    private Future<Void> syncPipes() {
        return directory.pipeEndpoints().compose(pipes::update)
                .onFailure(e -> LOG.warn("pipes not updated from the registry: {}", e.getMessage()));
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

    private Future<Void> deployTargets() {
        List<Future<String>> deployments = new ArrayList<>();
        for (TargetConfig target : config.targets().values()) {
            if (target.enabled()) {
                TargetVerticle verticle = new TargetVerticle(target, TargetClients.create(vertx, target, providers),
                        metrics);
                deployments.add(vertx.deployVerticle(verticle).onSuccess(targetDeployments::add));
            }
        }
        return Future.all(deployments).mapEmpty();
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
        Future<Void> pipesStopped = pipeDeployment == null ? Future.succeededFuture() : vertx.undeploy(pipeDeployment);
        Future<Void> frontsStopped = Future.join(pipesStopped, frontDeployment == null ? Future.succeededFuture()
                : vertx.undeploy(frontDeployment)).mapEmpty();
        frontsStopped
                .eventually(() -> Future.join(targetDeployments.stream().map(vertx::undeploy).toList()))
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
        return ConfigImport.run(directory, providerTokens, next, reloaded).compose(v -> syncPipes());
    }

    /**
     * Closes the store and the Hazelcast member, then Vert.x. The returned future is bound to no context (Vert.x
     * is gone when it completes) and never fails.
     */
    private Future<Void> closeAll() {
        Promise<Void> closed = Promise.promise();
        Future<Void> storeClosed = store == null ? Future.succeededFuture() : store.close();
        storeClosed.transform(v -> vertx.executeBlocking(() -> {
            hazelcast.shutdown();
            return null;
        })).onComplete(released -> vertx.close().onComplete(done -> closed.complete()));
        return closed.future();
    }

    /** Tokens generated for configured devices in this start, each to be shown once. */
    public List<ConfiguredDevices.GeneratedToken> generatedTokens() {
        return devices.generated();
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

    /** The node's metrics. */
    public RelayMetrics metrics() {
        return metrics;
    }

    /** The relay's version from the jar manifest. */
    public static String version() {
        String version = RelayNode.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
