package dev.xiaozhi.relay.bus;

/**
 * The MCP result of a call.
 *
 * @param resultJson the {@code tools/call} result object as JSON text
 * @param isError    whether the tool reported a failure ({@code isError: true})
 */
public record ToolReply(String resultJson, boolean isError) {
}
