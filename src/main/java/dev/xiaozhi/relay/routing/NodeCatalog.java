package dev.xiaozhi.relay.routing;

import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's current catalog, rebuilt whenever a target publishes its tools on
 * {@link EventBusAddresses#CATALOG_CHANGED}. Readers on any thread get an immutable {@link Catalog}; listeners hear
 * of every new snapshot. A target that withdraws (an empty list: it stopped, or moved to another node) keeps its last
 * tools, marked unavailable, for {@link #WITHDRAW_GRACE_MS}, so that a {@code placement: single} target moving
 * between nodes does not change what clients see unless it stays away; a withdrawal from an instance other than the
 * one whose tools are listed (the old owner stopping after the new one published) changes nothing.
 */
public final class NodeCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCatalog.class);

    /** How long a withdrawn target's tools stay in the catalog, marked unavailable, before they go. */
    public static final long WITHDRAW_GRACE_MS = 10_000;

    private final int pageSize;
    private final Map<String, CatalogUpdate> targets = new LinkedHashMap<>();
    private final Map<String, Long> withdrawals = new HashMap<>();
    private Vertx vertx;
    private final List<Consumer<Catalog>> listeners = new CopyOnWriteArrayList<>();
    private volatile Catalog current;

    /** @param pageSize tools per {@code tools/list} page; 0 for one page */
    public NodeCatalog(int pageSize) {
        this.pageSize = pageSize;
        this.current = Catalog.build(List.of(), pageSize);
    }

    /**
     * Starts listening for catalog updates, for the life of the Vert.x instance, and asks the targets that run on
     * one node of a cluster to publish their tools for this node.
     */
    public Future<Void> start(Vertx vertx) {
        this.vertx = vertx;
        return vertx.eventBus().<CatalogUpdate>consumer(EventBusAddresses.CATALOG_CHANGED,
                message -> apply(message.body())).completion()
                .onSuccess(v -> vertx.eventBus().publish(EventBusAddresses.CATALOG_REFRESH, "catalog"));
    }

    /** The current snapshot. */
    public Catalog current() {
        return current;
    }

    /** Adds a listener called with every new snapshot, on the thread that applied the update. */
    public void addListener(Consumer<Catalog> listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(Consumer<Catalog> listener) {
        listeners.remove(listener);
    }

    /** Applies one target's tool list; an empty list withdraws the target after the grace. */
    public void apply(CatalogUpdate update) {
        Catalog next;
        synchronized (targets) {
            CatalogUpdate known = targets.get(update.target());
            if (update.offersNothing() && known != null && !known.instance().equals(update.instance())) {
                LOG.debug("withdrawal of a replaced instance ignored [target: {}]", update.target());
                return;
            }
            Long withdrawal = withdrawals.remove(update.target());
            if (withdrawal != null && vertx != null) {
                vertx.cancelTimer(withdrawal);
            }
            if (!update.offersNothing()) {
                targets.put(update.target(), update);
            } else if (known != null && vertx != null) {
                targets.put(update.target(), known.withAvailable(false));
                withdrawals.put(update.target(), vertx.setTimer(WITHDRAW_GRACE_MS, id -> remove(update.target(), id)));
            } else {
                targets.remove(update.target());
            }
            next = rebuild();
        }
        LOG.info("catalog updated [target: {}, target tools: {}, catalog tools: {}]",
                update.target(), update.tools().size(), next.tools().size());
        listeners.forEach(listener -> listener.accept(next));
    }

    private void remove(String target, long timer) {
        Catalog next;
        synchronized (targets) {
            if (!withdrawals.remove(target, timer)) {
                return;
            }
            targets.remove(target);
            next = rebuild();
        }
        LOG.info("withdrawn target removed from the catalog [target: {}, catalog tools: {}]", target,
                next.tools().size());
        listeners.forEach(listener -> listener.accept(next));
    }

    private Catalog rebuild() {
        current = Catalog.build(targets.values(), pageSize);
        return current;
    }
}
