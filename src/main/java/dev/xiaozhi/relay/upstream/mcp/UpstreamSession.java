package dev.xiaozhi.relay.upstream.mcp;

import dev.xiaozhi.relay.bus.CallerSession;
import java.util.HashMap;
import java.util.Map;

/**
 * One MCP session of a target with its server: the one the target's sessions share, or one kept for a single
 * downstream session. It knows the calls in flight on it by the relay-side request id, and who made them, so that
 * progress finds its call and a server's request for a client finds the session it belongs to.
 */
final class UpstreamSession {

    private final McpClientConnection connection;
    private final CallerSession owner;
    private final Map<Long, String> callIds = new HashMap<>();
    private final Map<Long, CallerSession> callers = new HashMap<>();

    /** @param owner the downstream session it is kept for, or null when it is shared */
    UpstreamSession(McpClientConnection connection, CallerSession owner) {
        this.connection = connection;
        this.owner = owner;
    }

    McpClientConnection connection() {
        return connection;
    }

    /** The downstream session it is kept for, or null when it is the shared one. */
    CallerSession owner() {
        return owner;
    }

    /** A call or request went out on it; {@code caller} may be null. */
    void started(long requestId, String callId, CallerSession caller) {
        callIds.put(requestId, callId);
        if (caller != null) {
            callers.put(requestId, caller);
        }
    }

    /** A call or request on it is over. */
    void ended(long requestId) {
        callIds.remove(requestId);
        callers.remove(requestId);
    }

    /** The call a relay-side request id belongs to, or null. */
    String callId(long requestId) {
        return callIds.get(requestId);
    }

    /**
     * Whom a server's request for a client is for: the session it is kept for; on the shared one, the one session
     * with calls in flight, when there is exactly one. Null when nobody can tell.
     */
    CallerSession askedClient() {
        if (owner != null) {
            return owner;
        }
        CallerSession only = null;
        for (CallerSession caller : callers.values()) {
            if (only != null && !only.id().equals(caller.id())) {
                return null;
            }
            only = caller;
        }
        return only;
    }
}
