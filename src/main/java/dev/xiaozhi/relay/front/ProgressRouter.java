package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.routing.EventBusAddresses;
import dev.xiaozhi.relay.routing.ProgressUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Hands progress of tool calls, arriving on the node's address, to the sessions waiting for it. One consumer per
 * node, never one per session.
 */
public final class ProgressRouter {

    private final String address;
    private final Map<String, Consumer<JsonNode>> listeners = new ConcurrentHashMap<>();

    /** @param nodeId the node's id */
    public ProgressRouter(String nodeId) {
        this.address = EventBusAddresses.node(nodeId);
    }

    /** Starts listening on the node's address, for the life of the Vert.x instance. */
    public Future<Void> start(Vertx vertx) {
        return vertx.eventBus().<ProgressUpdate>consumer(address, message -> {
            Consumer<JsonNode> listener = listeners.get(message.body().callId());
            if (listener != null) {
                listener.accept(message.body().params());
            }
        }).completion();
    }

    /** Where targets send progress for calls of this node. */
    public String address() {
        return address;
    }

    /** Receives the progress of a call (on the event-bus thread; hop to your own context). */
    public void listen(String callId, Consumer<JsonNode> listener) {
        listeners.put(callId, listener);
    }

    /** Stops receiving the progress of a call. */
    public void forget(String callId) {
        listeners.remove(callId);
    }
}
