package dev.xiaozhi.relay.node;

import dev.xiaozhi.relay.cluster.Membership;
import dev.xiaozhi.relay.config.Placement;
import dev.xiaozhi.relay.config.TargetConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The enabled targets of a node, deployed: those that run on every node at once, and the {@code placement: single}
 * ones through {@link SinglePlacedTargets}.
 */
final class TargetDeployments {

    private final Vertx vertx;
    private final List<TargetConfig> everywhere = new ArrayList<>();
    private final List<String> deployed = new CopyOnWriteArrayList<>();
    private final Function<TargetConfig, VerticleBase> verticles;
    private final SinglePlacedTargets single;

    /** @param verticles makes a target's verticle */
    TargetDeployments(Vertx vertx, Membership membership, Collection<TargetConfig> targets,
            Function<TargetConfig, VerticleBase> verticles) {
        this.vertx = vertx;
        this.verticles = verticles;
        List<TargetConfig> placed = new ArrayList<>();
        targets.stream().filter(TargetConfig::enabled)
                .forEach(target -> (target.placement() == Placement.SINGLE ? placed : everywhere).add(target));
        this.single = new SinglePlacedTargets(vertx, membership, placed, verticles);
    }

    /** Deploys the targets that run everywhere, then those placed on this node. */
    Future<Void> start() {
        return Future.all(everywhere.stream().map(target -> vertx.deployVerticle(verticles.apply(target))
                .onSuccess(deployed::add)).toList()).compose(v -> single.start());
    }

    /** How many targets run on every node. */
    int everywhere() {
        return everywhere.size();
    }

    /** Undeploys every target running here. */
    Future<Void> stop() {
        return Future.join(deployed.stream().map(vertx::undeploy).toList()).eventually(single::stop).mapEmpty();
    }
}
