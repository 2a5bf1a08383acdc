package dev.xiaozhi.relay.front;

/** How an {@link McpSession} reaches its peer: one JSON-RPC message (or batch) per call. */
public interface SessionTransport {

    /**
     * Sends one serialized message.
     *
     * @return false when the message could not be queued; the transport then closes the session itself
     */
    boolean send(String json);

    /** Closes the session with a WebSocket close code (or the transport's equivalent). */
    void close(short code, String reason);
}
