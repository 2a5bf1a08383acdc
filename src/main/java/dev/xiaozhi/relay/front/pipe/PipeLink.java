package dev.xiaozhi.relay.front.pipe;

import dev.xiaozhi.relay.config.PipesConfig;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.front.SocketTransport;
import dev.xiaozhi.relay.model.DeviceIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket of an outbound pipe and the session on it, as the transport its {@link SessionHost} serves the cloud
 * through: pings with a pong timeout. A pipe has one link, and two for a moment while a re-handshake hands over from
 * the old socket to the new one.
 */
final class PipeLink extends SocketTransport {

    private static final Logger LOG = LoggerFactory.getLogger(PipeLink.class);

    private final OutboundPipe pipe;
    private final WebSocket socket;
    private final PipesConfig config;
    private final SessionHost host;
    private final McpSession session;
    private final long servedSignature;
    private final long openedAtMillis = System.currentTimeMillis();
    private long lastPongNanos = System.nanoTime();

    /** Opens a session in an admitted place of the host on a connected socket. */
    PipeLink(Vertx vertx, OutboundPipe pipe, WebSocket socket, SessionHost host, LiveSession place,
            DeviceIdentity identity, PipesConfig config) {
        super(vertx, socket);
        this.pipe = pipe;
        this.socket = socket;
        this.config = config;
        this.host = host;
        this.session = host.open(place, identity, this);
        this.servedSignature = session.view().signature();
        socket.textMessageHandler(text -> session.onMessage(text, this));
        socket.pongHandler(pong -> lastPongNanos = System.nanoTime());
    }

    @Override
    protected McpSession session() {
        return session;
    }

    @Override
    protected void onSocketClosed() {
        host.ended(session, "code: " + socket.closeStatusCode());
        pipe.linkClosed(this);
    }

    @Override
    public FrontKind kind() {
        return FrontKind.PIPE;
    }

    /** Pings, or closes a connection whose pong is overdue. */
    @Override
    public void keepAlive(long now) {
        if (now - lastPongNanos <= config.pingInterval().toNanos() + config.pongTimeout().toNanos()) {
            socket.writePing(Buffer.buffer());
            return;
        }
        LOG.warn("pipe pong timeout [tenant: {}, device: {}]", session.identity().tenant(),
                session.identity().device());
        closeAndAbort(SessionHost.CLOSE_GOING_AWAY, "pong timeout");
    }

    @Override
    public void catalogChanged(McpSession changed) {
        changed.toolsChanged();
        pipe.catalogChanged(this);
    }

    /** The relay ends the device's session for good (revoked, drained): the pipe stops dialling. */
    @Override
    public Future<Void> end(short code, String reason) {
        return pipe.endedByRelay(code, reason);
    }

    /** Whether the tools the session may see differ from those the cloud read at this link's handshake. */
    boolean stale() {
        return session.view().signature() != servedSignature;
    }

    /** Calls of the cloud still waiting for their target. */
    int pendingCalls() {
        return session.pendingCalls();
    }

    /** Answers the calls still waiting with a tool error. */
    void failPendingCalls(String text) {
        session.failPendingCalls(text);
    }

    /** The close code of the socket, -1 while it is open or when the peer sent none. */
    int closeCode() {
        Short code = socket.closeStatusCode();
        return code == null ? -1 : code;
    }

    /** The close reason of the socket, empty when none. */
    String closeReason() {
        return socket.closeReason() == null ? "" : socket.closeReason();
    }

    /** When the socket connected (epoch millis). */
    long openedAtMillis() {
        return openedAtMillis;
    }
}
