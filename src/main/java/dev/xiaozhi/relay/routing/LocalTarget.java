package dev.xiaozhi.relay.routing;

/**
 * A target's instance on this node as {@link TargetRouter} calls it without the event bus: a call or request is
 * handed over as it is and answered through its {@link CallReply}, which spares each call the bus's message, reply
 * address and send timer.
 */
public interface LocalTarget {

    /** Whether its circuit is not open. Any thread. */
    boolean healthy();

    /**
     * Takes a {@code ToolCall} or {@code TargetRequest}. Any thread; the instance moves to its own context and
     * answers exactly once, also when it stops before the call is done.
     */
    void take(Object call, CallReply reply);
}
