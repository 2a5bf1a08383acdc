package dev.xiaozhi.relay.routing;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.SessionEnded;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.bus.TargetRequest;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolCancel;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Where a node sends a tool call (or another request to a target): to its own instance of the target while that
 * one is healthy (no network hop), else over the clustered event bus to a healthy instance on another node; when no
 * other node has one or answers, back to its own, which answers with its breaker's verdict. On a single node the
 * cluster-wide address is served locally too.
 */
public final class TargetRouter {

    private final EventBus eventBus;
    private final Map<String, BooleanSupplier> local = new ConcurrentHashMap<>();

    /** A router on a node's event bus. */
    public TargetRouter(EventBus eventBus) {
        this.eventBus = eventBus;
    }

    /** A target instance started on this node; {@code healthy} says whether its circuit is not open. */
    public void addLocal(String target, BooleanSupplier healthy) {
        local.put(target, healthy);
    }

    /** A target instance stopped on this node. */
    public void removeLocal(String target) {
        local.remove(target);
    }

    /** Sends a call; the future holds the target's MCP result text, or the event bus's failure. */
    public Future<String> call(ToolCall call, long sendTimeoutMs) {
        return send(call.target(), call, sendTimeoutMs);
    }

    /** Sends a request other than a tool call; the future holds the server's answer, or the event bus's failure. */
    public Future<TargetAnswer> request(TargetRequest request, long sendTimeoutMs) {
        return send(request.target(), request, sendTimeoutMs);
    }

    /** Tells whichever instance of a target runs a call or request that its caller stopped waiting. */
    public void cancel(String target, String callId, String reason) {
        tellEveryInstance(target, new ToolCancel(callId, reason));
    }

    /**
     * Tells every instance of a target that a session is over, so that one that keeps an upstream session for it
     * ends that too.
     */
    public void sessionEnded(String target, String session) {
        tellEveryInstance(target, new SessionEnded(session));
    }

    private void tellEveryInstance(String target, Object body) {
        if (local.containsKey(target)) {
            eventBus.send(EventBusAddresses.target(target), body, new DeliveryOptions().setLocalOnly(true));
        }
        eventBus.publish(EventBusAddresses.clusterTarget(target), body);
    }

    private <T> Future<T> send(String target, Object body, long sendTimeoutMs) {
        BooleanSupplier instance = local.get(target);
        DeliveryOptions localOnly = new DeliveryOptions().setSendTimeout(sendTimeoutMs).setLocalOnly(true);
        if (instance != null && instance.getAsBoolean()) {
            return request(EventBusAddresses.target(target), body, localOnly);
        }
        return this.<T>request(EventBusAddresses.clusterTarget(target), body,
                new DeliveryOptions().setSendTimeout(sendTimeoutMs))
                .recover(failure -> instance != null && notHandled(failure)
                        ? request(EventBusAddresses.target(target), body, localOnly)
                        : Future.failedFuture(failure));
    }

    private <T> Future<T> request(String address, Object body, DeliveryOptions options) {
        return eventBus.<T>request(address, body, options).map(Message::body);
    }

    /**
     * Whether no instance elsewhere handled the call: none is registered, or the message was dropped or went
     * unanswered (as when the local instance withdraws from the cluster just as its circuit opens). A target's own
     * verdict (busy, unavailable, failed) is a recipient failure and stands.
     */
    private static boolean notHandled(Throwable failure) {
        return failure instanceof ReplyException reply && reply.failureType() != ReplyFailure.RECIPIENT_FAILURE;
    }
}
