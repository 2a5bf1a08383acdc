package dev.xiaozhi.relay.front.http;

/**
 * Where a {@link ResponseChannel} writes its response: the HTTP response of a request on this node
 * ({@link ServerResponseSink}), or the node that holds a forwarded request ({@link ForwardedSink}). Used on one
 * context.
 */
interface ResponseSink {

    /** Runs once, on the sink's context, when the response is over: ended, reset, or its peer gone. */
    void onClosed(Runnable handler);

    /** Sends the head of a {@code text/event-stream} response: 200, chunked, not cached. */
    void beginStream();

    /**
     * Writes a piece of the event stream.
     *
     * @return false when the peer does not read: the response is then reset
     */
    boolean write(String data);

    /** Ends the event stream. */
    void endStream();

    /** Ends a response that is not a stream with a status and, unless null, a JSON body. */
    void complete(int status, String json);

    /** Tells a peer that waits on the response that it is still alive; nothing for an HTTP response. */
    default void heartbeat() {
    }
}
