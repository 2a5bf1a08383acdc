package dev.xiaozhi.relay.routing;

import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
 * of every new snapshot.
 */
public final class NodeCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCatalog.class);

    private final int pageSize;
    private final Map<String, CatalogUpdate> targets = new LinkedHashMap<>();
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

    /** Applies one target's tool list. */
    public void apply(CatalogUpdate update) {
        Catalog next;
        synchronized (targets) {
            if (update.tools().isEmpty()) {
                targets.remove(update.target());
            } else {
                targets.put(update.target(), update);
            }
            next = Catalog.build(targets.values(), pageSize);
            current = next;
        }
        LOG.info("catalog updated [target: {}, target tools: {}, catalog tools: {}]",
                update.target(), update.tools().size(), next.tools().size());
        listeners.forEach(listener -> listener.accept(next));
    }
}
