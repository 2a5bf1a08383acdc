package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.protocol.JsonRpc;

/** The JSON bodies of the HTTP front's refusals: a JSON-RPC error without an id, as MCP clients expect. */
final class HttpReplies {

    private HttpReplies() {
    }

    /** A refusal's body. */
    static String error(String message) {
        return JsonRpc.error(JsonRpc.NULL_ID, JsonRpc.INVALID_REQUEST, message);
    }
}
