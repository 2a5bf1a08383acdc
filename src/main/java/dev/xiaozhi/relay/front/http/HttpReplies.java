package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.protocol.JsonRpc;

/** The JSON bodies of the HTTP front's refusals: a JSON-RPC error without an id, as MCP clients expect. */
final class HttpReplies {

    /** A session id that names no session of the device, or a session that is over. */
    static final String SESSION_NOT_FOUND = error("Session not found; initialize a new one");
    /** A legacy HTTP+SSE session that is not there: the client opens a new stream. */
    static final String LEGACY_SESSION_NOT_FOUND = error("Session not found; open a new one at "
            + LegacySseFront.STREAM_PATH);
    /** A body that is not one JSON value. */
    static final String PARSE_ERROR = JsonRpc.error(JsonRpc.NULL_ID, JsonRpc.PARSE_ERROR,
            "Parse error: not a single valid JSON value");

    private HttpReplies() {
    }

    /** A refusal's body. */
    static String error(String message) {
        return JsonRpc.error(JsonRpc.NULL_ID, JsonRpc.INVALID_REQUEST, message);
    }
}
