package dev.xiaozhi.relay.upstream.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.upstream.UpstreamCallException;

/**
 * A JSON-RPC error an MCP server answered with: an {@link CallOutcome#UPSTREAM_ERROR}, since the server is alive and
 * answering. The message carries the server's text and code; the error object stays whole for requests that pass it
 * on as it is.
 */
public final class McpErrorException extends UpstreamCallException {

    private static final long serialVersionUID = 1L;

    private final String errorJson;

    /** @param error the server's JSON-RPC {@code error} object */
    public McpErrorException(JsonNode error) {
        super(CallOutcome.UPSTREAM_ERROR, error.path("message").asText() + " (" + error.path("code").asInt() + ")");
        this.errorJson = error.toString();
    }

    /** The server's {@code error} object, as JSON text. */
    public String errorJson() {
        return errorJson;
    }
}
