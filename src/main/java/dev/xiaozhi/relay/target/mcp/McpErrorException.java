package dev.xiaozhi.relay.target.mcp;

/** A JSON-RPC error an MCP server answered with. */
public final class McpErrorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;

    /** @param code the JSON-RPC error code; @param message the server's message */
    public McpErrorException(int code, String message) {
        super(message + " (" + code + ")", null, false, false);
        this.code = code;
    }

    /** The JSON-RPC error code. */
    public int code() {
        return code;
    }
}
