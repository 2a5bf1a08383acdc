package dev.xiaozhi.relay.front.websocket;

import dev.xiaozhi.relay.auth.DeviceIdentity;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.SessionTransport;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds an {@link McpSession} to one device WebSocket: one JSON-RPC message per text frame, liveness from pings and
 * pongs, and a bounded write queue (a peer that does not read is closed, not buffered for).
 */
final class WebSocketSession implements SessionTransport {

    /** Policy violation: the peer does not read what it is sent. */
    static final short CLOSE_SLOW_READER = 1008;
    /** The peer sent a binary frame. */
    static final short CLOSE_UNSUPPORTED_DATA = 1003;
    /** The node is going away. */
    static final short CLOSE_GOING_AWAY = 1001;
    /** Normal closure, used for idle sessions. */
    static final short CLOSE_NORMAL = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSession.class);

    private final ServerWebSocket socket;
    private final McpSession session;
    private long lastSeenNanos = System.nanoTime();

    WebSocketSession(ServerWebSocket socket, DeviceIdentity identity, FrontContext front) {
        this.socket = socket;
        this.session = new McpSession(identity, this, front);
        socket.textMessageHandler(text -> {
            lastSeenNanos = System.nanoTime();
            session.onMessage(text);
        });
        socket.binaryMessageHandler(data -> close(CLOSE_UNSUPPORTED_DATA, "binary frames are not supported"));
        socket.pongHandler(data -> lastSeenNanos = System.nanoTime());
        socket.exceptionHandler(e -> LOG.debug("socket error [tenant: {}, device: {}]: {}",
                identity.tenant(), identity.device(), e.getMessage()));
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
        if (socket.isClosed()) {
            return false;
        }
        if (socket.writeQueueFull()) {
            LOG.warn("slow reader closed [tenant: {}, device: {}]", identity().tenant(), identity().device());
            close(CLOSE_SLOW_READER, "write queue full");
            return false;
        }
        socket.writeTextMessage(json);
        return true;
    }

    @Override
    public void close(short code, String reason) {
        closeAndWait(code, reason);
    }

    /** Closes the socket; the future completes when the closing handshake is over. */
    Future<Void> closeAndWait(short code, String reason) {
        return socket.isClosed() ? Future.succeededFuture() : socket.close(code, reason);
    }

    private DeviceIdentity identity() {
        return session.identity();
    }
}
