package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.cluster.Membership;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Asks every member of the cluster (this node alone when not clustered) for its part of the fleet view, one
 * event-bus request per node, each bound by a timeout: a node that does not answer in time comes back as
 * {@code {node, answering: false}} rather than failing the whole.
 */
public final class FleetGather {

    /** How long a node gets to answer. */
    public static final long TIMEOUT_MS = 1_500;

    private final Membership membership;
    private final int nameLength;

    /** @param nameLength how much of a node's cluster id it is shown with */
    public FleetGather(Membership membership, int nameLength) {
        this.membership = membership;
        this.nameLength = nameLength;
    }

    /** Every node's answer to {@code request}, in member order; never fails. */
    Future<List<JsonObject>> ask(Vertx vertx, JsonObject request) {
        return ask(vertx, node -> request);
    }

    /** Every node's answer to the request made for it (by its short name), in member order; never fails. */
    Future<List<JsonObject>> ask(Vertx vertx, Function<String, JsonObject> requestFor) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(TIMEOUT_MS);
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (String member : membership.members().stream().sorted().toList()) {
            String name = name(member);
            answers.add(vertx.eventBus().<JsonObject>request(EventBusAddresses.fleetNode(member),
                    requestFor.apply(name), options).map(Message::body)
                    .otherwise(failure -> new JsonObject().put("node", name).put("answering", false)));
        }
        return Future.join(answers).otherwiseEmpty().map(done -> answers.stream().map(Future::result).toList());
    }

    /** The short name of a member. */
    String name(String member) {
        return member.length() <= nameLength ? member : member.substring(0, nameLength);
    }
}
