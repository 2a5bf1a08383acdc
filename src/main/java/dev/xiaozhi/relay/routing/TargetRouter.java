package dev.xiaozhi.relay.routing;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.SessionEnded;
import dev.xiaozhi.relay.bus.TargetAnswer;
import dev.xiaozhi.relay.bus.TargetRequest;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolCancel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a node sends a tool call (or another request to a target): to its own instance of the target while that
 * one is healthy, handed over directly ({@link LocalTarget}: no event-bus message, reply address or send timer),
 * else over the clustered event bus to a healthy instance on another node; when no other node has one or answers,
 * back to its own, which answers with its breaker's verdict. On a single node the cluster-wide address is served
 * locally too. Cancellations and session ends go over the event bus to every instance, local ones included, in
 * order after the calls they follow.
 */
public final class TargetRouter {

    private final EventBus eventBus;
    private final Map<String, LocalTarget> local = new ConcurrentHashMap<>();

    /** A router on a node's event bus. */
    public TargetRouter(EventBus eventBus) {
        this.eventBus = eventBus;
    }

    /** A target instance started on this node. */
    public void addLocal(String target, LocalTarget instance) {
        local.put(target, instance);
    }

    /** A target instance stopped on this node. */
    public void removeLocal(String target) {
        local.remove(target);
    }

    /**
     * Sends a call; the future holds the target's MCP result text, or the event bus's failure.
     *
     * @param sendTimeoutMs how long the event bus waits for another node's instance; this node's own instance is
     *                      bound by the target's deadline instead
     */
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
        LocalTarget instance = local.get(target);
        if (instance != null && instance.healthy()) {
            return direct(instance, body);
        }
        return this.<T>request(EventBusAddresses.clusterTarget(target), body,
                new DeliveryOptions().setSendTimeout(sendTimeoutMs))
                .recover(failure -> instance != null && notHandled(failure)
                        ? direct(instance, body)
                        : Future.failedFuture(failure));
    }

    /** Hands a call to this node's instance; the answer comes back on the calling context. */
    private static <T> Future<T> direct(LocalTarget instance, Object body) {
        DirectReply<T> reply = new DirectReply<>(Vertx.currentContext());
        instance.take(body, reply);
        return reply.future();
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
