package dev.xiaozhi.relay.front;

import io.vertx.core.Future;

/**
 * What a front brings to the {@link SessionHost} for one session: how to reach the peer, how to keep the session
 * alive and how to end it. Everything else (catalog, policy, revocation, drain, limits, accounting) is the host's.
 *
 * <p>A session may outlive a connection: a transport whose connection closed may still carry the session on the
 * next one (Streamable HTTP), so "closed" is not "ended"; the transport alone tells the host, through
 * {@link SessionHost#ended}, when the session is over. Replies and a call's progress go on the channel the request
 * came on ({@link McpSession#onMessage}); what concerns the whole session goes on {@link #notifications()}.
 * Methods are called on the context of the verticle that owns the host.
 */
public interface SessionTransport {

    /** The kind of front, for accounting. */
    FrontKind kind();

    /** The peer's address, for the admin API and logs; never a URL with a token. */
    String remote();

    /**
     * Where session-wide messages go ({@code notifications/tools/list_changed}); null while the session has no such
     * channel open (an HTTP session without its notification stream), in which case they are dropped.
     */
    SessionChannel notifications();

    /**
     * Liveness, on the host's keep-alive clock: ping the peer, or end a session that has been silent too long (by
     * ping and pong on a socket, by idleness on HTTP).
     */
    void keepAlive(long nowNanos);

    /**
     * What the session may see of the catalog changed (names, descriptions or schemas of its tools): tells the peer.
     * By default a {@code notifications/tools/list_changed}; a pipe also re-runs the handshake, since the Xiaozhi
     * cloud reads the tool list only then.
     */
    default void catalogChanged(McpSession session) {
        session.toolsChanged();
    }

    /**
     * Whether a draining node keeps serving the session and ends it at a moment of its own within the grace, rather
     * than as soon as no call is in flight: true for sessions that outlive their connections (Streamable HTTP), whose
     * clients would otherwise all start over at the same moment.
     */
    default boolean endsGraduallyOnDrain() {
        return false;
    }

    /**
     * Ends the session from the relay's side (revoked, drained, idle) with a WebSocket close code or the transport's
     * equivalent; the future completes once the peer was told. The transport then reports the end to the host.
     */
    Future<Void> end(short code, String reason);
}
