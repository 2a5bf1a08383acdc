package dev.xiaozhi.relay.protocol;

/**
 * JSON-RPC 2.0 error codes and the builders of outgoing messages.
 * <p>
 * Request ids are handled as raw JSON text ({@code 0}, {@code "abc"}, {@code 123456789012345678901}) so that every
 * reply echoes the id with exactly the type and value the peer sent.
 */
public final class JsonRpc {

    /** Characters (all ASCII) of a response around its id and result: {@code {"jsonrpc":"2.0","id":,"result":}}. */
    public static final int RESPONSE_FRAME_CHARS = "{\"jsonrpc\":\"2.0\",\"id\":,\"result\":}".length();

    /** Invalid JSON was received. */
    public static final int PARSE_ERROR = -32700;
    /** The JSON sent is not a valid request object. */
    public static final int INVALID_REQUEST = -32600;
    /** The method does not exist or is not available. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** Invalid method parameters. */
    public static final int INVALID_PARAMS = -32602;
    /** Internal error. */
    public static final int INTERNAL_ERROR = -32603;

    /** Too many calls: the relay's rate limit; {@code data.retryAfterMs} says when to try again. */
    public static final int RATE_LIMITED = -32029;

    /** MCP's code for a resource that does not exist. */
    public static final int RESOURCE_NOT_FOUND = -32002;

    /** The raw id text used when a request's id could not be determined. */
    public static final String NULL_ID = "null";

    private JsonRpc() {
    }

    /** Builds a success response around an already serialized result. */
    public static String response(String rawId, String resultJson) {
        return new StringBuilder(resultJson.length() + rawId.length() + 32)
                .append("{\"jsonrpc\":\"2.0\",\"id\":").append(rawId)
                .append(",\"result\":").append(resultJson).append('}')
                .toString();
    }

    /** Builds an error response. */
    public static String error(String rawId, int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"error\":{\"code\":" + code
                + ",\"message\":" + Json.quote(message) + "}}";
    }

    /** Builds an error response with a {@code data} member (serialized JSON). */
    public static String error(String rawId, int code, String message, String dataJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"error\":{\"code\":" + code
                + ",\"message\":" + Json.quote(message) + ",\"data\":" + dataJson + "}}";
    }

    /** Builds an error response around an already serialized error object. */
    public static String errorResponse(String rawId, String errorJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"error\":" + errorJson + "}";
    }

    /** Builds a request. */
    public static String request(String rawId, String method, String paramsJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"method\":" + Json.quote(method)
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}";
    }

    /** Builds a notification. */
    public static String notification(String method, String paramsJson) {
        return "{\"jsonrpc\":\"2.0\",\"method\":" + Json.quote(method)
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}";
    }

    /** Number of bytes the response envelope adds around a result of a given id. */
    public static int responseOverhead(String rawId) {
        return RESPONSE_FRAME_CHARS + Utf8.length(rawId);
    }
}
