package dev.xiaozhi.relay.cluster;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes that share the work of the relay: every live member of the cluster except those that announced they are
 * draining (a single node alone when not clustered). Decides by {@link Rendezvous} hashing which node owns a key
 * (an outbound pipe, a single-placement target), the same on every node. Listeners run on the context that started
 * the membership whenever the set changes; the futures they return tell when they have taken up their new work, which
 * a draining node waits for before it lets go of its own.
 */
public final class Membership {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final String self;
    private final Context context;
    private final Set<String> members = new TreeSet<>();
    private final Set<String> leaving = new HashSet<>();
    private final List<Supplier<Future<?>>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> memberListeners = new CopyOnWriteArrayList<>();
    private volatile List<String> active;
    private volatile Set<String> live;

    private Membership(String self, Context context, List<String> members) {
        this.self = self;
        this.context = context;
        this.members.addAll(members);
        this.members.add(self);
        this.active = List.copyOf(this.members);
        this.live = Set.copyOf(this.members);
    }

    /** A node on its own: it owns everything. */
    public static Membership single(Vertx vertx, String nodeId) {
        return new Membership(nodeId, vertx.getOrCreateContext(), List.of(nodeId));
    }

    /** The members of a cluster, kept current from the cluster manager and from nodes announcing their drain. */
    public static Future<Membership> clustered(Vertx vertx, ClusterManager manager) {
        Membership membership = new Membership(manager.getNodeId(), vertx.getOrCreateContext(), manager.getNodes());
        manager.nodeListener(new NodeListener() {
            @Override
            public void nodeAdded(String nodeId) {
                List<String> now = manager.getNodes();
                membership.context.runOnContext(v -> membership.added(nodeId, now));
            }

            @Override
            public void nodeLeft(String nodeId) {
                List<String> now = manager.getNodes();
                membership.context.runOnContext(v -> membership.left(nodeId, now));
            }
        });
        return vertx.eventBus().<String>consumer(EventBusAddresses.clusterNode(membership.self),
                message -> membership.context.runOnContext(v -> membership.draining(message.body())
                        .onComplete(done -> message.reply("taken over"))))
                .completion().map(v -> {
                    List<String> now = manager.getNodes();
                    membership.context.runOnContext(resync -> membership.resync(now));
                    return membership;
                });
    }

    /** This node's id. */
    public String self() {
        return self;
    }

    /** The nodes sharing the work now, sorted. */
    public List<String> active() {
        return active;
    }

    /** The nodes in the cluster now, draining or not. Any thread. */
    public Set<String> members() {
        return live;
    }

    /** Whether this node owns {@code key} among the active nodes. */
    public boolean owns(String key) {
        return self.equals(Rendezvous.owner(key, active));
    }

    /**
     * Adds a listener for changes of the active set; it runs on the membership's context and returns when it has
     * taken up its new work.
     */
    public void onChange(Supplier<Future<?>> listener) {
        listeners.add(listener);
    }

    /** Adds a listener for changes of {@link #members()}; it runs on the membership's context. */
    public void onMembersChanged(Runnable listener) {
        memberListeners.add(listener);
    }

    /**
     * Tells the other nodes that this one is draining, so that they take over what it owns now; completes when all
     * of them have (or after {@code timeoutMs}). This node's own view does not change: it keeps its work until it
     * stops.
     */
    public Future<Void> announceDraining(Vertx vertx, long timeoutMs) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
        return Future.join(active.stream().filter(node -> !node.equals(self))
                .map(node -> vertx.eventBus().request(EventBusAddresses.clusterNode(node), self, options))
                .toList()).otherwiseEmpty().mapEmpty();
    }

    private void added(String nodeId, List<String> now) {
        LOG.info("node joined [node: {}, members: {}]", nodeId, now.size());
        resync(now);
    }

    private void left(String nodeId, List<String> now) {
        LOG.info("node left [node: {}, members: {}]", nodeId, now.size());
        resync(now);
    }

    /** Takes the cluster manager's member list as it is now, so that no event in between is missed. */
    private void resync(List<String> now) {
        members.clear();
        members.addAll(now);
        members.add(self);
        leaving.retainAll(members);
        Set<String> current = Set.copyOf(members);
        if (!current.equals(live)) {
            live = current;
            memberListeners.forEach(Runnable::run);
        }
        changed();
    }

    private Future<Void> draining(String nodeId) {
        if (!nodeId.equals(self) && members.contains(nodeId) && leaving.add(nodeId)) {
            LOG.info("node draining, taking over its work [node: {}]", nodeId);
            return changed();
        }
        return Future.succeededFuture();
    }

    private Future<Void> changed() {
        Set<String> next = new TreeSet<>(members);
        next.removeAll(leaving);
        if (next.equals(new TreeSet<>(active))) {
            return Future.succeededFuture();
        }
        active = List.copyOf(next);
        return Future.join(listeners.stream().<Future<?>>map(Supplier::get).toList()).mapEmpty();
    }
}
