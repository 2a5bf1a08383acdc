package dev.xiaozhi.relay.bus;

/**
 * Tells a target that the caller no longer waits for a call.
 *
 * @param callId the {@link ToolCall#callId()} to cancel
 * @param reason short reason for the target's logs
 */
public record ToolCancel(String callId, String reason) {
}
