package dev.xiaozhi.relay.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.bus.TargetRequest;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolReply;
import io.vertx.core.Future;
import java.util.function.BiConsumer;

/**
 * The client side of one target: what a {@link TargetVerticle} needs to list and call its tools (and, for an MCP
 * server, to list its prompts and resources and pass other requests on). One implementation
 * per target kind; the verticle adds the circuit breaker, the concurrency bound and the event-bus plumbing.
 * Methods are called on the verticle's context.
 */
public interface ToolClient {

    /** Connects, starts or initializes the target; nothing to do by default. */
    default Future<Void> start() {
        return Future.succeededFuture();
    }

    /** The target's current tools, a JSON array of MCP tool objects. */
    Future<JsonNode> listTools();

    /** What the target offers besides tools, as last listed; nothing by default. */
    default ServerOffer offer() {
        return ServerOffer.NONE;
    }

    /**
     * Calls a tool. A tool that ran and failed is a successful future with {@link ToolReply#isError()} set; a failed
     * future means the tool did not run to a result, an {@link UpstreamCallException} saying what the call came to
     * (any other failure counts as a failed transport).
     */
    Future<ToolReply> call(ToolCall call);

    /**
     * Sends a request other than a tool call to the target's server. The server's JSON-RPC error is a successful
     * future with {@link TargetAnswer#error()} set; a failed future is as for {@link #call}. By default the target
     * knows no such method.
     */
    default Future<TargetAnswer> request(TargetRequest request) {
        return Future.succeededFuture(new TargetAnswer("{\"code\":-32601,\"message\":\"Method not found: "
                + request.method() + "\"}", true));
    }

    /** The caller no longer waits for a call or request; a target that can tell its server does so. */
    default void cancel(String callId, String reason) {
    }

    /**
     * A call ran out of time: the caller no longer waits for it, as for {@link #cancel}. A target that can tell a slow
     * server from a hung one checks which it is.
     */
    default void deadlineExceeded(String callId) {
        cancel(callId, "deadline exceeded");
    }

    /** Whether the target can take calls now; its tools stay listed, marked, while it cannot. */
    default boolean available() {
        return true;
    }

    /** Registers a receiver of calls' progress: (call id, the server's progress params). */
    default void progressHandler(BiConsumer<String, JsonNode> handler) {
    }

    /**
     * Registers a receiver of the server's notifications for sessions: {@code notifications/message} and
     * {@code notifications/resources/updated}, for one session when they came on its own upstream session.
     */
    default void sessionNotificationHandler(SessionNotifications handler) {
    }

    /**
     * Registers where the server's requests for a session's client go ({@code sampling/createMessage},
     * {@code elicitation/create}, {@code roots/list}); a target whose servers make none ignores it.
     */
    default void clientRequestHandler(ClientRequestRelay relay) {
    }

    /** A downstream session is over: an upstream session the target keeps for it ends too. */
    default void sessionEnded(String session) {
    }

    /** Registers a listener for changes of what the target offers (called on the verticle's context). */
    default void offerChangedHandler(Runnable listener) {
    }

    /** Releases the target's resources. */
    default Future<Void> stop() {
        return Future.succeededFuture();
    }
}
