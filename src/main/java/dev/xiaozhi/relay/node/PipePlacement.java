package dev.xiaozhi.relay.node;

import dev.xiaozhi.relay.auth.ConfiguredDevices.PipeEndpoint;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.cluster.Membership;
import dev.xiaozhi.relay.front.pipe.PipeVerticle;
import dev.xiaozhi.relay.ops.PipeStatus;
import dev.xiaozhi.relay.registry.Registry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places the outbound pipes of the registry's device endpoints on the live nodes: each endpoint is dialled by the
 * one node that owns it by rendezvous hashing. Dials once the node's targets are ready to be listed; follows the
 * registry's changes (a burst of them with one sync) and the membership (pipes move when nodes join, leave or
 * drain); on drain, keeps its pipes until the other nodes have dialled them, so that the Xiaozhi side is never
 * without a socket.
 */
final class PipePlacement {

    private static final Logger LOG = LoggerFactory.getLogger(PipePlacement.class);
    private static final String KEY_PREFIX = "pipe:";
    /** How long a sync waits for more registry changes to come with the first. */
    private static final long SYNC_DELAY_MS = 100;
    /** How long a draining node waits at most for the others to have dialled its pipes. */
    private static final long HANDOVER_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final Registry registry;
    private final Membership membership;
    private final Supplier<Future<Void>> readyToDial;
    private final Function<List<PipeEndpoint>, PipeVerticle> verticles;
    private final AtomicBoolean syncPending = new AtomicBoolean();
    private volatile List<PipeEndpoint> endpoints = List.of();
    private volatile PipeVerticle pipes;
    private String deployment;

    /**
     * @param readyToDial completes when the node's targets are ready for a cloud's first {@code tools/list}
     * @param verticles   makes the pipe verticle for the endpoints this node owns at start
     */
    PipePlacement(Vertx vertx, Registry registry, Membership membership, Supplier<Future<Void>> readyToDial,
            Function<List<PipeEndpoint>, PipeVerticle> verticles) {
        this.vertx = vertx;
        this.registry = registry;
        this.membership = membership;
        this.readyToDial = readyToDial;
        this.verticles = verticles;
    }

    /** Deploys the pipes this node owns (once ready to dial, when it owns any), then follows registry and members. */
    Future<Void> start() {
        return registry.pipeEndpoints().compose(found -> {
            endpoints = found;
            pipes = verticles.apply(owned());
            return (found.isEmpty() ? Future.<Void>succeededFuture() : readyToDial.get())
                    .compose(v -> vertx.deployVerticle(pipes));
        }).compose(id -> {
            deployment = id;
            membership.onChange(() -> pipes.update(owned()));
            return vertx.eventBus().<String>consumer(EventBusAddresses.REGISTRY_CHANGED, message -> syncSoon())
                    .completion();
        });
    }

    /** Reads the registry's endpoints again and brings the pipes in line with them. */
    Future<Void> sync() {
        return registry.pipeEndpoints().compose(found -> {
            endpoints = found;
            return pipes.update(owned());
        }).onFailure(e -> LOG.warn("pipes not updated from the registry: {}", e.getMessage()));
    }

    /** The status of every pipe of this node, readable from any thread. */
    List<PipeStatus> statuses() {
        PipeVerticle current = pipes;
        return current == null ? List.of() : current.statuses();
    }

    /** Tells the other nodes that this one drains, waits until they have dialled its pipes, then closes them. */
    Future<Void> stop() {
        if (deployment == null) {
            return Future.succeededFuture();
        }
        return membership.announceDraining(vertx, HANDOVER_TIMEOUT_MS).compose(v -> vertx.undeploy(deployment));
    }

    /** Follows a burst of registry changes with one sync, shortly after its first change. */
    private void syncSoon() {
        if (syncPending.compareAndSet(false, true)) {
            vertx.setTimer(SYNC_DELAY_MS, id -> {
                syncPending.set(false);
                sync();
            });
        }
    }

    private List<PipeEndpoint> owned() {
        return endpoints.stream().filter(endpoint -> membership.owns(KEY_PREFIX + endpoint.identity().tenant()
                + "/" + endpoint.identity().device())).toList();
    }
}
