package dev.xiaozhi.relay.front.websocket;

import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.SessionChannel;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.front.SessionTransport;
import dev.xiaozhi.relay.model.DeviceIdentity;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of a session on one inbound device WebSocket: one JSON-RPC message per text frame, one channel (the
 * socket) for replies and notifications alike, liveness from pings and pongs, and a bounded write queue (a peer that
 * does not read is closed, not buffered for). The session ends when the socket closes.
 */
final class WebSocketSession implements SessionTransport, SessionChannel {

    /** The peer sent a binary frame. */
    static final short CLOSE_UNSUPPORTED_DATA = 1003;
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
    private final long idleNanos;
    private long lastSeenNanos = System.nanoTime();
    private boolean closing;
    private boolean ended;

    /** Opens a session in an admitted place of the host and binds it to a socket. */
    WebSocketSession(Vertx vertx, ServerWebSocket socket, DeviceIdentity identity, SessionHost host,
            LiveSession place, Duration idleTimeout) {
        this.vertx = vertx;
        this.socket = socket;
        this.idleNanos = idleTimeout.toNanos();
        this.session = host.open(place, identity, this);
        socket.closeHandler(v -> {
            ended = true;
            host.ended(session, "code: " + socket.closeStatusCode());
        });
        socket.textMessageHandler(text -> {
            lastSeenNanos = System.nanoTime();
            session.onMessage(text, this);
        });
        socket.binaryMessageHandler(data -> end(CLOSE_UNSUPPORTED_DATA, "binary frames are not supported"));
        socket.pongHandler(data -> lastSeenNanos = System.nanoTime());
        socket.exceptionHandler(this::onException);
    }

    @Override
    public FrontKind kind() {
        return FrontKind.WEBSOCKET;
    }

    @Override
    public String remote() {
        return String.valueOf(socket.remoteAddress());
    }

    @Override
    public SessionChannel notifications() {
        return this;
    }

    /** Pings the peer, or closes the session when it has been silent longer than the idle timeout. */
    @Override
    public void keepAlive(long now) {
        if (now - lastSeenNanos > idleNanos) {
            LOG.info("idle session closed [tenant: {}, device: {}]", identity().tenant(), identity().device());
            end(CLOSE_NORMAL, "idle");
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
            end(SessionHost.CLOSE_POLICY_VIOLATION, "write queue full");
            abortIfStillOpen();
            return false;
        }
        socket.writeTextMessage(json);
        return true;
    }

    /** Closes the socket once; the future completes when the closing handshake is over. */
    @Override
    public Future<Void> end(short code, String reason) {
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
            end(CLOSE_TOO_BIG, "message too big");
        } else {
            LOG.debug("socket error [tenant: {}, device: {}]: {}", identity().tenant(), identity().device(),
                    failure.getMessage());
        }
    }

    private DeviceIdentity identity() {
        return session.identity();
    }
}
