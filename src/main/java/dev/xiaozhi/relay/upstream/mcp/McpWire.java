package dev.xiaozhi.relay.upstream.mcp;

/** Carries the messages of an {@link McpClientConnection} to its server: a process's stdin, HTTP POSTs, … */
@FunctionalInterface
public interface McpWire {

    /** The request id given with notifications and responses. */
    long NO_REQUEST = -1;

    /**
     * Sends one serialized message.
     *
     * @param requestId the relay-side id when the message is a request, else {@link #NO_REQUEST}
     */
    void send(long requestId, String json);
}
