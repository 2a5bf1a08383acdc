package dev.xiaozhi.relay.front;

/**
 * One outbound channel of a session: a WebSocket, or one HTTP response stream (a session may have several at once:
 * a stream per request and a notification stream). Each channel bounds its own queue.
 */
public interface SessionChannel {

    /**
     * Queues one serialized JSON-RPC message (or batch).
     *
     * @return false when the channel cannot take it: it is closed, or its peer does not read (the channel then closes
     *         itself rather than buffer without bound)
     */
    boolean send(String json);
}
