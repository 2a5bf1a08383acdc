package dev.xiaozhi.relay.bus;

/**
 * A request for a Streamable HTTP session that reached a node other than the session's owner, forwarded to the
 * owner's node (request/reply; the replies are {@link ForwardedHttpPart}s). The receiving node authenticated it,
 * checked its headers and read its body within the limits.
 *
 * @param stream  names this forwarded response on the receiving node, for a {@link ForwardedHttpCancel}
 * @param method  {@code POST}, {@code GET} or {@code DELETE}
 * @param session the {@code Mcp-Session-Id}
 * @param device  whose token came with the request, as {@code tenant/device}; another device's session answers 404
 * @param body    a POST's body; null otherwise
 * @param prefersStream whether the client listed {@code text/event-stream} before {@code application/json}, so that
 *                      even a lone reply streams
 */
public record ForwardedHttpRequest(String stream, String method, String session, String device, String body,
        boolean prefersStream) {
}
