package dev.xiaozhi.relay.upstream.mcp;

/** A JSON-RPC error an MCP server answered with; the message carries the server's text and code. */
public final class McpErrorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param code the JSON-RPC error code; @param message the server's message */
    public McpErrorException(int code, String message) {
        super(message + " (" + code + ")", null, false, false);
    }
}
