package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.front.SessionChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * One HTTP response of a session, as a channel: a POST's answer, which is a lone {@code application/json} reply
 * unless a message comes first (a call's progress) or the client lists {@code text/event-stream} first in its
 * {@code Accept}, then a {@code text/event-stream} that ends with the reply; or
 * the notification stream a GET opens. Confined to the context of its request: {@link #send} may be called from the
 * context that owns the session and hops over. Its write queue is bounded: a peer that does not read is dropped (the
 * stream reset), the session stays.
 */
final class ResponseChannel implements SessionChannel {

    private static final String EVENT_STREAM = "text/event-stream";
    private static final String KEEP_ALIVE = ": keep-alive\n\n";

    private final Context context;
    private final HttpServerResponse response;
    private final Runnable onSlowReader;
    private volatile Runnable onClosed = () -> { };
    private volatile boolean closed;
    private boolean streaming;
    private boolean prefersStream;

    /**
     * @param context      the context of the request
     * @param onSlowReader told (on {@code context}) when the peer stopped reading and the response was dropped
     */
    ResponseChannel(Context context, HttpServerResponse response, int writeQueueMaxBytes, Runnable onSlowReader) {
        this.context = context;
        this.response = response;
        this.onSlowReader = onSlowReader;
        response.setWriteQueueMaxSize(writeQueueMaxBytes);
        response.closeHandler(v -> closed());
        response.endHandler(v -> closed());
    }

    /** The client listed {@code text/event-stream} before {@code application/json}: even a lone reply streams. */
    ResponseChannel preferringStream() {
        prefersStream = true;
        return this;
    }

    /** Runs once, on the request's context, when the response is over: ended, dropped, or its connection gone. */
    void onClosed(Runnable handler) {
        onClosed = handler;
    }

    /** Whether the response is over. */
    boolean isClosed() {
        return closed;
    }

    @Override
    public boolean send(String json) {
        return send("message", json);
    }

    /** Queues one SSE event of a name of its own (the legacy transport's {@code endpoint}). */
    boolean send(String eventName, String data) {
        if (closed) {
            return false;
        }
        onContext(() -> write(event(eventName, data)));
        return true;
    }

    /** Opens the response as an event stream now (a GET's notification stream). */
    void openStream() {
        onContext(() -> {
            if (!closed) {
                startStream();
                response.writeHead();
            }
        });
    }

    /** An event-stream comment, so that proxies keep the stream and a dead peer is found. */
    void keepAlive() {
        onContext(() -> {
            if (streaming) {
                write(KEEP_ALIVE);
            }
        });
    }

    /**
     * Ends the response with a POST's reply: the stream's last event, or the whole {@code application/json} body;
     * without a reply, the stream ends, or the response is {@code emptyStatus} with no body.
     */
    void finish(String reply, int emptyStatus) {
        onContext(() -> {
            if (closed) {
                return;
            }
            if (streaming || prefersStream && reply != null) {
                if (reply != null) {
                    write(event("message", reply));
                }
                if (!closed) {
                    response.end();
                }
            } else if (reply != null) {
                response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(reply);
            } else {
                response.setStatusCode(emptyStatus).end();
            }
        });
    }

    /** Ends the response with an error status and a JSON body, unless a stream was started already. */
    void fail(int status, String body) {
        onContext(() -> {
            if (closed) {
                return;
            }
            if (streaming) {
                response.end();
            } else {
                response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
            }
        });
    }

    /** Ends the response (the session is over). */
    void close() {
        onContext(() -> {
            if (closed) {
                return;
            }
            if (streaming) {
                response.end();
            } else {
                response.setStatusCode(404).end();
            }
        });
    }

    private void write(String data) {
        if (closed) {
            return;
        }
        if (!streaming) {
            startStream();
        }
        if (response.writeQueueFull()) {
            response.reset();
            closed();
            onSlowReader.run();
            return;
        }
        response.write(data);
    }

    private void startStream() {
        streaming = true;
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    }

    private void closed() {
        if (!closed) {
            closed = true;
            onClosed.run();
        }
    }

    private void onContext(Runnable task) {
        if (Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /** One SSE event; a line break inside the data continues it on the next line. */
    private static String event(String name, String json) {
        String data = json.indexOf('\n') < 0 && json.indexOf('\r') < 0 ? json
                : json.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\ndata: ");
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}
