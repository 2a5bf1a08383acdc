package dev.xiaozhi.relay.front;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the transports of a session on one WebSocket share, inbound or outbound: the socket is the session's one
 * channel, for replies and notifications alike; its write queue is bounded (a peer that does not read is closed,
 * and dropped if it does not finish the closing handshake either); it closes once, and its session ends with it.
 */
public abstract class SocketTransport implements SessionTransport, SessionChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SocketTransport.class);
    private static final long ABORT_AFTER_MS = 1_000;

    /** The Vert.x instance of the socket. */
    protected final Vertx vertx;
    private final WebSocketBase socket;
    private boolean closing;
    private boolean ended;

    /** Binds to a socket; {@link #onSocketClosed()} runs once the connection is gone. */
    protected SocketTransport(Vertx vertx, WebSocketBase socket) {
        this.vertx = vertx;
        this.socket = socket;
        socket.closeHandler(v -> {
            ended = true;
            onSocketClosed();
        });
    }

    /** The session on this socket. */
    protected abstract McpSession session();

    /** The connection is gone: end the session, and whatever else the transport does then. */
    protected abstract void onSocketClosed();

    @Override
    public String remote() {
        return String.valueOf(socket.remoteAddress());
    }

    @Override
    public SessionChannel notifications() {
        return this;
    }

    @Override
    public boolean send(String json) {
        if (closing || ended) {
            return false;
        }
        if (socket.writeQueueFull()) {
            LOG.warn("slow reader closed [front: {}, tenant: {}, device: {}]", kind().label(),
                    session().identity().tenant(), session().identity().device());
            closeAndAbort(SessionHost.CLOSE_POLICY_VIOLATION, "write queue full");
            return false;
        }
        socket.writeTextMessage(json);
        return true;
    }

    /** Closes the socket once; the future completes when the closing handshake is over. */
    public Future<Void> close(short code, String reason) {
        if (closing || ended) {
            return Future.succeededFuture();
        }
        closing = true;
        return socket.close(code, reason);
    }

    /**
     * Closes the socket and, since a peer that does not read or answer cannot finish the closing handshake either,
     * drops the connection if it is still there soon after.
     */
    protected void closeAndAbort(short code, String reason) {
        close(code, reason);
        vertx.setTimer(ABORT_AFTER_MS, id -> {
            if (!ended && socket instanceof WebSocketInternal internal) {
                // from the head of the pipeline, past the Vert.x handler that waits for the closing handshake
                internal.channelHandlerContext().pipeline().firstContext().close();
            }
        });
    }
}
