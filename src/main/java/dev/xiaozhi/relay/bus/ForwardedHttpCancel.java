package dev.xiaozhi.relay.bus;

/**
 * Tells a session's owner that the client of a forwarded request went away, so that the response it feeds ends.
 *
 * @param stream the {@link ForwardedHttpRequest#stream()} of the request
 */
public record ForwardedHttpCancel(String stream) {
}
