package dev.xiaozhi.relay.node;

import dev.xiaozhi.relay.config.ProviderTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.routing.Catalog;
import dev.xiaozhi.relay.routing.NodeCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Waits, for a short while at most, until every enabled target that can answer soon (builtin, stdio, http, openapi)
 * has listed its tools in the catalog, so that the first {@code tools/list} a pipe's cloud sends is complete.
 * Provider targets are never waited for: a provider dials in only once the node listens, which may be much later or
 * never.
 */
final class TargetsListed {

    /** The longest wait for targets to list their tools. */
    static final long WAIT_MS = 10_000;

    private TargetsListed() {
    }

    /** Completes (never fails) once the targets have listed, or after {@link #WAIT_MS}. */
    static Future<Void> await(Vertx vertx, NodeCatalog catalog, Collection<TargetConfig> targets) {
        Set<String> expected = new HashSet<>();
        targets.stream().filter(TargetConfig::enabled).filter(target -> !(target.spec() instanceof ProviderTargetSpec))
                .forEach(target -> expected.add(target.name()));
        Promise<Void> listed = Promise.promise();
        Consumer<Catalog> check = current -> {
            Set<String> present = current.targets();
            if (present.containsAll(expected)) {
                listed.tryComplete();
            }
        };
        catalog.addListener(check);
        check.accept(catalog.current());
        long timer = vertx.setTimer(WAIT_MS, id -> listed.tryComplete());
        return listed.future().onComplete(done -> {
            vertx.cancelTimer(timer);
            catalog.removeListener(check);
        });
    }
}
