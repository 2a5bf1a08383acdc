package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.front.SessionChannel;
import io.vertx.core.Context;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP response of a session, as a channel: a POST's answer, which is a lone {@code application/json} reply
 * unless a message comes first (a call's progress) or the client lists {@code text/event-stream} first in its
 * {@code Accept}, then a {@code text/event-stream} that ends with the reply; or
 * the notification stream a GET opens. Written to a {@link ResponseSink}: the request's own response, or the node a
 * forwarded request came from. Confined to the context of its sink: {@link #send} may be called from the context
 * that owns the session and hops over. Its sink's queue is bounded: a peer that does not read is dropped (the stream
 * reset), the session stays.
 */
final class ResponseChannel implements SessionChannel {

    private static final String KEEP_ALIVE = ": keep-alive\n\n";

    private final Context context;
    private final ResponseSink sink;
    private final Runnable onSlowReader;
    private volatile Runnable onClosed = () -> { };
    private volatile boolean closed;
    private final AtomicInteger queued = new AtomicInteger();
    private volatile Thread sinkThread;
    private boolean streaming;
    private boolean prefersStream;

    /**
     * @param context      the context of the sink
     * @param onSlowReader told (on {@code context}) when the peer stopped reading and the response was dropped
     */
    ResponseChannel(Context context, ResponseSink sink, Runnable onSlowReader) {
        this.context = context;
        this.sink = sink;
        this.onSlowReader = onSlowReader;
        sink.onClosed(this::closed);
    }

    /** The client listed {@code text/event-stream} before {@code application/json}: even a lone reply streams. */
    ResponseChannel preferringStream() {
        prefersStream = true;
        return this;
    }

    /** Runs once, on the sink's context, when the response is over: ended, dropped, or its peer gone. */
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
            if (!closed && !streaming) {
                startStream();
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

    /** Tells a peer that waits on the response that it is alive, without writing to the stream. */
    void heartbeat() {
        onContext(() -> {
            if (!closed) {
                sink.heartbeat();
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
                    sink.endStream();
                }
            } else {
                sink.complete(reply == null ? emptyStatus : 200, reply);
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
                sink.endStream();
            } else {
                sink.complete(status, body);
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
                sink.endStream();
            } else {
                sink.complete(404, null);
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
        if (!sink.write(data)) {
            closed();
            onSlowReader.run();
        }
    }

    private void startStream() {
        streaming = true;
        sink.beginStream();
    }

    private void closed() {
        if (!closed) {
            closed = true;
            onClosed.run();
        }
    }

    /**
     * Runs a task on the sink's thread, in the order of the calls: at once when called there with nothing queued
     * before it, queued on the context otherwise. Comparing threads rather than contexts matters: a call's progress
     * and its reply arrive on duplicates of the sink's context, and a progress event queued behind a hop must never
     * be overtaken by a reply written at once.
     */
    private void onContext(Runnable task) {
        if (Thread.currentThread() == sinkThread && queued.get() == 0) {
            task.run();
            return;
        }
        queued.incrementAndGet();
        context.runOnContext(v -> {
            sinkThread = Thread.currentThread();
            queued.decrementAndGet();
            task.run();
        });
    }

    /** One SSE event; a line break inside the data continues it on the next line. */
    private static String event(String name, String json) {
        String data = json.indexOf('\n') < 0 && json.indexOf('\r') < 0 ? json
                : json.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\ndata: ");
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}
