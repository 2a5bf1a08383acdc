package dev.xiaozhi.relay.routing;

/**
 * Where a target answers one call or request: the event-bus message it came in with, or its caller on this node.
 * The target uses it once, on its own context.
 */
public interface CallReply {

    /** The answer: an MCP result's text, or a {@code TargetAnswer}. */
    void reply(Object answer);

    /** The target's verdict instead of an answer: a {@code CallOutcome}'s code and text. */
    void fail(int code, String message);
}
