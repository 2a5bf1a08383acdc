package dev.xiaozhi.relay.front;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.UnaryOperator;

/**
 * Where a session's request other than a tool call goes, in the target's own names and URIs; or why it goes
 * nowhere; or the answer the relay gives itself.
 *
 * @param target    the target, or null when refused
 * @param method    the MCP method
 * @param params    the params for the target
 * @param timeoutMs the deadline
 * @param result    turns the target's result (JSON text) into what the session sees (its URIs namespaced)
 * @param errorCode the JSON-RPC error code of a refusal
 * @param error     the message of a refusal, or null
 * @param answer    the result the relay answers with itself, or null
 */
record TargetRoute(String target, String method, JsonNode params, long timeoutMs, UnaryOperator<String> result,
        int errorCode, String error, String answer) {

    /** A request to a target whose result the session sees as it is. */
    static TargetRoute to(String target, String method, JsonNode params, long timeoutMs) {
        return new TargetRoute(target, method, params, timeoutMs, UnaryOperator.identity(), 0, null, null);
    }

    /** A request that goes nowhere. */
    static TargetRoute refused(int code, String message) {
        return new TargetRoute(null, null, null, 0, null, code, message, null);
    }

    /** A request the relay answers itself with a result. */
    static TargetRoute answered(String resultJson) {
        return new TargetRoute(null, null, null, 0, null, 0, null, resultJson);
    }

    /** The same request, its result rewritten. */
    TargetRoute rewritingResult(UnaryOperator<String> rewrite) {
        return new TargetRoute(target, method, params, timeoutMs, rewrite, errorCode, error, answer);
    }

    /** Whether the relay answers the request itself. */
    boolean isAnswered() {
        return answer != null;
    }

    /** Whether the request goes nowhere. */
    boolean isRefused() {
        return error != null;
    }
}
