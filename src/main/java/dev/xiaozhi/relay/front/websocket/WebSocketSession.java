package dev.xiaozhi.relay.front.websocket;

import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.ProgressRouter;
import dev.xiaozhi.relay.front.SessionTransport;
import dev.xiaozhi.relay.model.DeviceIdentity;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds an {@link McpSession} to one device WebSocket: one JSON-RPC message per text frame, liveness from pings and
 * pongs, and a bounded write queue (a peer that does not read is closed, not buffered for).
 */
final class WebSocketSession implements SessionTransport {

    /** Policy violation: the peer does not read what it is sent, or its device was revoked. */
    static final short CLOSE_POLICY_VIOLATION = 1008;
    /** The peer sent a binary frame. */
    static final short CLOSE_UNSUPPORTED_DATA = 1003;
    /** The node is going away. */
    static final short CLOSE_GOING_AWAY = 1001;
    /** Normal closure, used for idle sessions. */
    static final short CLOSE_NORMAL = 1000;
    /** A message larger than the limit. */
    static final short CLOSE_TOO_BIG = 1009;

    private static final long ABORT_AFTER_MS = 1000;
    private static final String MESSAGE_OVERFLOW = "max message size";

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSession.class);

    private final Vertx vertx;
    private final ServerWebSocket socket;
    private final McpSession session;
    private long lastSeenNanos = System.nanoTime();
    private boolean closing;
    private boolean ended;

    /** Binds a session to a socket; {@code onEnded} runs once the connection is gone. */
    WebSocketSession(Vertx vertx, ServerWebSocket socket, DeviceIdentity identity, FrontContext front,
            ProgressRouter progress, Handler<WebSocketSession> onEnded) {
        this.vertx = vertx;
        this.socket = socket;
        this.session = new McpSession(identity, this, front, progress);
        socket.closeHandler(v -> {
            ended = true;
            session.onClosed();
            onEnded.handle(this);
        });
        socket.textMessageHandler(text -> {
            lastSeenNanos = System.nanoTime();
            session.onMessage(text);
        });
        socket.binaryMessageHandler(data -> close(CLOSE_UNSUPPORTED_DATA, "binary frames are not supported"));
        socket.pongHandler(data -> lastSeenNanos = System.nanoTime());
        socket.exceptionHandler(this::onException);
    }

    McpSession session() {
        return session;
    }

    ServerWebSocket socket() {
        return socket;
    }

    /** Pings the peer, or closes the session when it has been silent longer than {@code idleNanos}. */
    void keepAlive(long now, long idleNanos) {
        if (now - lastSeenNanos > idleNanos) {
            LOG.info("idle session closed [tenant: {}, device: {}]", identity().tenant(), identity().device());
            close(CLOSE_NORMAL, "idle");
        } else if (!socket.writeQueueFull()) {
            socket.writePing(Buffer.buffer());
        }
    }

    @Override
    public boolean send(String json) {
        if (closing || socket.isClosed()) {
            return false;
        }
        if (socket.writeQueueFull()) {
            LOG.warn("slow reader closed [tenant: {}, device: {}]", identity().tenant(), identity().device());
            close(CLOSE_POLICY_VIOLATION, "write queue full");
            abortIfStillOpen();
            return false;
        }
        socket.writeTextMessage(json);
        return true;
    }

    @Override
    public void close(short code, String reason) {
        closeAndWait(code, reason);
    }

    /** Closes the socket once; the future completes when the closing handshake is over. */
    Future<Void> closeAndWait(short code, String reason) {
        if (closing || socket.isClosed()) {
            return Future.succeededFuture();
        }
        closing = true;
        return socket.close(code, reason);
    }

    /**
     * A peer that does not read cannot receive a close frame either: drop the connection if the closing handshake
     * has not ended soon after.
     */
    private void abortIfStillOpen() {
        vertx.setTimer(ABORT_AFTER_MS, id -> {
            if (!ended && socket instanceof WebSocketInternal internal) {
                // from the head of the pipeline, past the Vert.x handler that waits for the closing handshake
                internal.channelHandlerContext().pipeline().firstContext().close();
            }
        });
    }

    private void onException(Throwable failure) {
        boolean overflow = failure instanceof CorruptedWebSocketFrameException corrupted
                && corrupted.closeStatus().code() == CLOSE_TOO_BIG
                || failure instanceof IllegalStateException
                && String.valueOf(failure.getMessage()).contains(MESSAGE_OVERFLOW);
        if (overflow) {
            LOG.info("oversized message [tenant: {}, device: {}]", identity().tenant(), identity().device());
            close(CLOSE_TOO_BIG, "message too big");
        } else {
            LOG.debug("socket error [tenant: {}, device: {}]: {}", identity().tenant(), identity().device(),
                    failure.getMessage());
        }
    }

    private DeviceIdentity identity() {
        return session.identity();
    }
}
