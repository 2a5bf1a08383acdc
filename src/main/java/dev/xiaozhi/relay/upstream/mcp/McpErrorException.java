package dev.xiaozhi.relay.upstream.mcp;

import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.upstream.UpstreamCallException;

/**
 * A JSON-RPC error an MCP server answered with: an {@link CallOutcome#UPSTREAM_ERROR}, since the server is alive and
 * answering. The message carries the server's text and code.
 */
public final class McpErrorException extends UpstreamCallException {

    private static final long serialVersionUID = 1L;

    /** @param code the JSON-RPC error code; @param message the server's message */
    public McpErrorException(int code, String message) {
        super(CallOutcome.UPSTREAM_ERROR, message + " (" + code + ")");
    }
}
