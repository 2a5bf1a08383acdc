package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.ProgressUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Hands progress of tool calls to the sessions of one front verticle. Its consumer runs on the verticle's context,
 * the context that also receives the calls' replies, so progress always arrives before the result it precedes.
 */
public final class ProgressRouter {

    private final String address;
    private final Map<String, Consumer<JsonNode>> listeners = new ConcurrentHashMap<>();

    /** @param address where targets send progress for these sessions' calls */
    public ProgressRouter(String address) {
        this.address = address;
    }

    /** Starts listening, on the calling context, for the life of the Vert.x instance. */
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

    /** Receives the progress of a call, on the context that started this router. */
    public void listen(String callId, Consumer<JsonNode> listener) {
        listeners.put(callId, listener);
    }

    /** Stops receiving the progress of a call. */
    public void forget(String callId) {
        listeners.remove(callId);
    }
}
