package dev.xiaozhi.relay.bus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One MCP request other than a tool call ({@code prompts/get}, {@code resources/read}, {@code completion/complete},
 * …) on its way from a front to a target, which sends it to its server as it is. It travels like a {@link ToolCall}
 * (same addresses, queue, concurrency bound and circuit breaker) and is cancelled like one ({@link ToolCancel}); the
 * reply is a {@link TargetAnswer}.
 *
 * @param callId    relay-wide unique id of this request, used to cancel it
 * @param target    target name
 * @param method    the MCP method
 * @param params    the request's params, already in the target's own names and URIs; never modified after sending
 * @param tenant    calling tenant
 * @param device    calling device
 * @param session   relay-wide id of the calling session (whose subscriptions a target counts)
 * @param timeoutMs deadline of the request in milliseconds
 * @param caller    the session the request comes from, or null when none is known
 */
public record TargetRequest(String callId, String target, String method, JsonNode params, String tenant,
        String device, String session, long timeoutMs, CallerSession caller) {
}
