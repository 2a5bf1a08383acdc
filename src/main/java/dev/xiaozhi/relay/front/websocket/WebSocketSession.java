package dev.xiaozhi.relay.front.websocket;

import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.front.SocketTransport;
import dev.xiaozhi.relay.model.DeviceIdentity;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of a session on one inbound device WebSocket: one JSON-RPC message per text frame, liveness from
 * pings and pongs with an idle timeout. The session ends when the socket closes.
 */
final class WebSocketSession extends SocketTransport {

    /** The peer sent a binary frame. */
    static final short CLOSE_UNSUPPORTED_DATA = 1003;
    /** Normal closure, used for idle sessions. */
    static final short CLOSE_NORMAL = 1000;
    /** A message larger than the limit. */
    static final short CLOSE_TOO_BIG = 1009;

    private static final String MESSAGE_OVERFLOW = "max message size";

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSession.class);

    private final ServerWebSocket socket;
    private final SessionHost host;
    private final McpSession session;
    private final String remote;
    private final long idleNanos;
    private long lastSeenNanos = System.nanoTime();

    /** Opens a session in an admitted place of the host and binds it to a socket. */
    WebSocketSession(Vertx vertx, ServerWebSocket socket, DeviceIdentity identity, SessionHost host,
            LiveSession place, Duration idleTimeout) {
        super(vertx, socket);
        this.socket = socket;
        this.host = host;
        this.idleNanos = idleTimeout.toNanos();
        this.remote = place.remote();
        this.session = host.open(place, identity, this);
        socket.textMessageHandler(text -> {
            lastSeenNanos = System.nanoTime();
            session.onMessage(text, this);
        });
        socket.binaryMessageHandler(data -> end(CLOSE_UNSUPPORTED_DATA, "binary frames are not supported"));
        socket.pongHandler(data -> lastSeenNanos = System.nanoTime());
        socket.exceptionHandler(this::onException);
    }

    /** The client as the front saw it: behind trusted proxies, the address they vouch for. */
    @Override
    public String remote() {
        return remote;
    }

    @Override
    protected McpSession session() {
        return session;
    }

    @Override
    protected void onSocketClosed() {
        host.ended(session, "code: " + socket.closeStatusCode());
    }

    @Override
    public FrontKind kind() {
        return FrontKind.WEBSOCKET;
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
    public Future<Void> end(short code, String reason) {
        return close(code, reason);
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
