package dev.xiaozhi.relay.bus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Progress of a tool call, on its way from the target back to the node of the calling session.
 *
 * @param callId the {@link ToolCall#callId()}
 * @param params the server's {@code notifications/progress} params (its own progress token inside)
 */
public record ProgressUpdate(String callId, JsonNode params) {
}
