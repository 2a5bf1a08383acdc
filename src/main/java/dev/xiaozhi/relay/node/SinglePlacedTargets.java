package dev.xiaozhi.relay.node;

import dev.xiaozhi.relay.cluster.Membership;
import dev.xiaozhi.relay.config.TargetConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each {@code placement: single} target on exactly one node of the cluster: the one that owns it by rendezvous
 * hashing. When membership changes, the new owner starts it and the old one stops it; on a single node it simply
 * runs here.
 */
final class SinglePlacedTargets {

    private static final Logger LOG = LoggerFactory.getLogger(SinglePlacedTargets.class);
    private static final String KEY_PREFIX = "target:";

    private final Vertx vertx;
    private final Membership membership;
    private final List<TargetConfig> targets;
    private final Function<TargetConfig, VerticleBase> verticles;
    private final Map<String, Future<String>> deployed = new HashMap<>();
    private boolean stopped;

    /**
     * @param targets   the single-placement targets of the configuration
     * @param verticles makes a target's verticle
     */
    SinglePlacedTargets(Vertx vertx, Membership membership, List<TargetConfig> targets,
            Function<TargetConfig, VerticleBase> verticles) {
        this.vertx = vertx;
        this.membership = membership;
        this.targets = List.copyOf(targets);
        this.verticles = verticles;
    }

    /** Starts the targets this node owns, and follows membership from now on (on the membership's context). */
    Future<Void> start() {
        membership.onChange(() -> Future.join(rebalance()));
        return Future.join(rebalance()).mapEmpty();
    }

    /** Stops every target running here. */
    Future<Void> stop() {
        stopped = true;
        List<Future<Void>> stopping = deployed.values().stream()
                .map(id -> id.compose(vertx::undeploy).otherwiseEmpty()).toList();
        deployed.clear();
        return Future.join(stopping).mapEmpty();
    }

    private List<Future<String>> rebalance() {
        if (stopped) {
            return List.of();
        }
        List<Future<String>> started = new ArrayList<>();
        for (TargetConfig target : targets) {
            boolean owned = membership.owns(KEY_PREFIX + target.name());
            Future<String> running = deployed.get(target.name());
            if (owned && running == null) {
                LOG.info("single target placed here [target: {}]", target.name());
                Future<String> deployment = vertx.deployVerticle(verticles.apply(target));
                deployed.put(target.name(), deployment);
                started.add(deployment);
            } else if (!owned && running != null) {
                LOG.info("single target moves to another node [target: {}]", target.name());
                deployed.remove(target.name());
                running.compose(vertx::undeploy);
            }
        }
        return started;
    }
}
