package dev.xiaozhi.relay.bus;

/**
 * The MCP result of a call whose tool ran.
 *
 * @param resultJson the {@code tools/call} result object as JSON text
 * @param isError    whether the tool reported a failure ({@code isError: true})
 */
public record ToolReply(String resultJson, boolean isError) {

    /** {@link CallOutcome#TOOL_ERROR} when the tool reported a failure, else {@link CallOutcome#OK}. */
    public CallOutcome outcome() {
        return isError ? CallOutcome.TOOL_ERROR : CallOutcome.OK;
    }
}
