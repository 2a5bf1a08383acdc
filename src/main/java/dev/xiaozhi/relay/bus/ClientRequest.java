package dev.xiaozhi.relay.bus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request of a target's server to a client ({@code sampling/createMessage}, {@code elicitation/create},
 * {@code roots/list}), on its way to the downstream session it belongs to, at {@link CallerSession#address()}. The
 * reply is a {@link TargetAnswer}: the client's result, or its error.
 *
 * @param session   relay-wide id of the downstream session
 * @param target    the target whose server asks
 * @param method    the MCP method
 * @param params    the request's params, as the server sent them
 * @param timeoutMs how long the session waits for its client's answer
 */
public record ClientRequest(String session, String target, String method, JsonNode params, long timeoutMs) {
}
