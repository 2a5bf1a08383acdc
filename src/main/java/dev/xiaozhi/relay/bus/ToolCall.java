package dev.xiaozhi.relay.bus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One tool call on its way from a front to a target. The reply is the MCP result as JSON text.
 *
 * @param callId    relay-wide unique id of this call, used to cancel it
 * @param target    target name
 * @param tool      the tool's name at the target (not the catalog name)
 * @param arguments the call's arguments object; never modified after sending
 * @param tenant    calling tenant
 * @param device    calling device
 * @param timeoutMs deadline of the call in milliseconds
 * @param replyTo   node address for {@link ProgressUpdate}s, or null when the caller asked for no progress
 * @param caller    the session the call comes from, or null when none is known (the call may go on any upstream
 *                  session)
 */
public record ToolCall(String callId, String target, String tool, JsonNode arguments, String tenant, String device,
        long timeoutMs, String replyTo, CallerSession caller) {
}
