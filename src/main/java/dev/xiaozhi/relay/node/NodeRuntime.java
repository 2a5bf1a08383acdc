package dev.xiaozhi.relay.node;

import dev.xiaozhi.relay.cluster.ClusterKeys;
import dev.xiaozhi.relay.cluster.ClusterSetup;
import dev.xiaozhi.relay.cluster.Membership;
import dev.xiaozhi.relay.config.RegistryConfig;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.registry.EndpointCipher;
import dev.xiaozhi.relay.registry.LiveMaps;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node runs on, clustered or single: its Vert.x instance with Micrometer metrics into a Prometheus registry,
 * the membership that decides what it owns, the live maps the registry lives in (the cluster manager's Hazelcast
 * member, or maps of this process on a single node, which so opens no cluster port) and the cipher of device
 * endpoints (a cluster's is configured, the same on every member).
 *
 * @param vertx        the node's Vert.x instance
 * @param prometheus   where Vert.x and the relay record their metrics
 * @param membership   which nodes share the work
 * @param registryMaps the registry's live maps
 * @param cipher       encrypts device endpoints at rest
 */
record NodeRuntime(Vertx vertx, PrometheusMeterRegistry prometheus, Membership membership, LiveMaps registryMaps,
        EndpointCipher cipher) {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

    /**
     * Creates Vert.x and joins the cluster when clustering is on. Blocking (the cluster join): call it off the event
     * loops.
     *
     * @throws dev.xiaozhi.relay.config.ConfigException when clustered without the cluster's secrets
     */
    static Future<NodeRuntime> start(RelayConfig config, EndpointCipher cipher) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // the event bus's meters are looked up per message (some 6 % of a tool call's CPU); relay_tool_calls_total
        // and relay_tool_call_duration_seconds count the calls that cross it. The HTTP servers' meters hold some
        // 200 bytes for every connection's life (its upgrade request's metric, sample and tags), a fifth of an idle
        // session's own share; relay_sessions_open and relay_handshakes_total count the fronts' connections. (They
        // also took a connection's address before a PROXY header was applied, and kept the proxy's.)
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
        // Linux's epoll where its library loads (a fifth less CPU per tool call than Java NIO), else NIO
        VertxOptions options = new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true);
        if (config.node().eventLoops() > 0) {
            options.setEventLoopPoolSize(config.node().eventLoops());
        }
        if (!config.cluster().enabled()) {
            Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(prometheus)).build();
            return Future.succeededFuture(new NodeRuntime(vertx, prometheus,
                    Membership.single(vertx, UUID.randomUUID().toString()), LiveMaps.local(), cipher));
        }
        ClusterKeys keys = ClusterSetup.keys(config);
        options.setEventBusOptions(ClusterSetup.eventBus(config.cluster()));
        VertxBuilder builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(prometheus));
        HazelcastClusterManager manager = new HazelcastClusterManager(ClusterSetup.hazelcast(config.cluster(), keys));
        Vertx vertx;
        try {
            vertx = builder.withClusterManager(manager).buildClustered().await();
        } catch (Exception e) {
            return Future.failedFuture(new IllegalStateException("cannot join the cluster: " + e.getMessage(), e));
        }
        LiveMaps maps = LiveMaps.clustered(manager.getHazelcastInstance(), keys.registryTagKey());
        if (config.registry().store() == RegistryConfig.StoreKind.FILE) {
            LOG.warn("the registry's file store keeps each node's writes on that node only; give a cluster "
                    + "the postgres store");
        }
        Promise<NodeRuntime> joined = Promise.promise();
        Membership.clustered(vertx, manager)
                .onSuccess(membership -> joined.complete(new NodeRuntime(vertx, prometheus, membership, maps,
                        cipher)))
                .onFailure(e -> vertx.close().onComplete(closed -> joined.fail(e)));
        return joined.future();
    }

    /** Closes Vert.x. The returned future is bound to no context (Vert.x is gone when it completes) and never fails. */
    Future<Void> close() {
        Promise<Void> closed = Promise.promise();
        vertx.close().onComplete(gone -> closed.complete());
        return closed.future();
    }
}
