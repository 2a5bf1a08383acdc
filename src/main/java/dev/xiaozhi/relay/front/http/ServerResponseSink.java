package dev.xiaozhi.relay.front.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The HTTP response of a request on this node, with a bounded write queue: a peer that does not read is reset rather
 * than buffered for. Used on the context of the request.
 */
final class ServerResponseSink implements ResponseSink {

    private final HttpServerResponse response;
    private Runnable onClosed = () -> { };
    private boolean closed;
    private boolean streaming;

    ServerResponseSink(HttpServerResponse response, int writeQueueMaxBytes) {
        this.response = response;
        response.setWriteQueueMaxSize(writeQueueMaxBytes);
        response.closeHandler(v -> closed());
        response.endHandler(v -> closed());
    }

    /** Whether the response is over. */
    boolean isClosed() {
        return closed;
    }

    /** Whether the response started as an event stream. */
    boolean isStreaming() {
        return streaming;
    }

    @Override
    public void onClosed(Runnable handler) {
        onClosed = handler;
    }

    @Override
    public void beginStream() {
        streaming = true;
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .writeHead();
    }

    @Override
    public boolean write(String data) {
        if (response.writeQueueFull()) {
            reset();
            return false;
        }
        response.write(data);
        return true;
    }

    @Override
    public void endStream() {
        response.end();
    }

    @Override
    public void complete(int status, String json) {
        response.setStatusCode(status);
        if (json == null) {
            response.end();
        } else {
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json);
        }
    }

    /** Drops the response (its stream reset, its connection closed on HTTP/1). */
    void reset() {
        response.reset();
        closed();
    }

    private void closed() {
        if (!closed) {
            closed = true;
            onClosed.run();
        }
    }
}
