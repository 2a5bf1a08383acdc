package dev.xiaozhi.relay.cluster;

import dev.xiaozhi.relay.routing.EventBusAddresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes that share the work of the relay: every live member of the cluster except those that announced they are
 * draining (a single node alone when not clustered). Decides by {@link Rendezvous} hashing which node owns a key
 * (an outbound pipe, a single-placement target), the same on every node. Listeners run on the context that started
 * the membership whenever the set changes.
 */
public final class Membership {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final String self;
    private final Context context;
    private final Set<String> members = new TreeSet<>();
    private final Set<String> leaving = new HashSet<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile List<String> active;

    private Membership(String self, Context context, List<String> members) {
        this.self = self;
        this.context = context;
        this.members.addAll(members);
        this.members.add(self);
        this.active = List.copyOf(this.members);
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
        return vertx.eventBus().<String>consumer(EventBusAddresses.NODE_LEAVING,
                message -> membership.context.runOnContext(v -> membership.draining(message.body())))
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

    /** Whether this node owns {@code key} among the active nodes. */
    public boolean owns(String key) {
        return self.equals(Rendezvous.owner(key, active));
    }

    /** Adds a listener for changes of the active set; it runs on the membership's context. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Tells the other nodes that this one is draining, so that they take over what it owns now. This node's own
     * view does not change: it keeps its work until it stops.
     */
    public void announceDraining(Vertx vertx) {
        vertx.eventBus().publish(EventBusAddresses.NODE_LEAVING, self);
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
        changed();
    }

    private void draining(String nodeId) {
        if (!nodeId.equals(self) && members.contains(nodeId) && leaving.add(nodeId)) {
            LOG.info("node draining, taking over its work [node: {}]", nodeId);
            changed();
        }
    }

    private void changed() {
        Set<String> next = new TreeSet<>(members);
        next.removeAll(leaving);
        if (!next.equals(new TreeSet<>(active))) {
            active = List.copyOf(next);
            listeners.forEach(Runnable::run);
        }
    }
}
