package dev.xiaozhi.relay.front.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.SessionChannel;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.protocol.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of one Streamable HTTP session, whose id is the {@code Mcp-Session-Id}: it outlives its requests
 * and connections, has a response channel per request waiting for its reply plus at most one notification stream
 * (a GET), and ends when the client deletes it, when it has been idle for {@code server.httpSessionIdle}, when its
 * device's least recently used session makes room, or when the host ends it. Lives on the context of the front
 * verticle that created it; requests that arrive on another verticle's connection hop over, and those that reached
 * another node of the cluster come in through {@link ForwardedRequestsVerticle}, answered on a channel to that node.
 */
final class HttpSession extends HttpTransport {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSession.class);
    private static final short CLOSE_NORMAL = 1000;

    private final HttpSessions directory;
    private final long idleNanos;
    private final int maxStreams;
    private final Set<ResponseChannel> open = new LinkedHashSet<>();
    private ResponseChannel notifications;
    private McpSession session;
    private volatile long lastUsedNanos = System.nanoTime();
    private boolean ended;

    HttpSession(String id, DeviceIdentity identity, String remote, Context context, HttpSessions directory,
            SessionHost host, long idleNanos, int maxStreams) {
        super(id, identity, remote, context, host);
        this.directory = directory;
        this.idleNanos = idleNanos;
        this.maxStreams = maxStreams;
    }

    /** When a request last used it, on {@link System#nanoTime()}'s clock; for eviction. Any thread. */
    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** Takes the MCP session it carries, once opened by the host. */
    void bind(McpSession opened) {
        session = opened;
    }

    /** The MCP session it carries. */
    McpSession session() {
        return session;
    }

    /**
     * Serves one request of this session, from any thread, whichever node it reached: {@code DELETE} ends the
     * session, {@code GET} opens its notification stream, {@code POST} carries a message or batch (a body that is not
     * one JSON value answers 400).
     */
    void serve(HttpMethod method, String body, ResponseChannel channel) {
        if (HttpMethod.DELETE.equals(method)) {
            directory.remove(this);
            run(() -> end(CLOSE_NORMAL, "deleted by the client"));
            channel.finish(null, 200);
        } else if (HttpMethod.GET.equals(method)) {
            run(() -> listen(channel));
        } else {
            JsonNode message;
            try {
                message = Json.parse(body);
            } catch (JsonProcessingException e) {
                channel.fail(400, HttpReplies.PARSE_ERROR);
                return;
            }
            run(() -> post(message, carriesRequests(message), channel));
        }
    }

    /**
     * Handles a POST's message or batch. One that carries requests is answered on its channel; one that carries only
     * notifications and responses is accepted with 202 (or refused with 400 if the session found it invalid).
     */
    private void post(JsonNode message, boolean carriesRequests, ResponseChannel channel) {
        if (ended) {
            channel.close();
            return;
        }
        lastUsedNanos = System.nanoTime();
        if (!carriesRequests) {
            session.answer(message, channel).onComplete(done -> {
                if (done.result() == null) {
                    channel.finish(null, 202);
                } else {
                    channel.fail(400, done.result());
                }
            });
            return;
        }
        if (!admit(channel)) {
            return;
        }
        session.answer(message, channel).onComplete(done -> channel.finish(done.result(), ended ? 404 : 202));
    }

    /** Opens the notification stream of a GET; a second one while the first is open is refused with 409. */
    private void listen(ResponseChannel channel) {
        if (ended) {
            channel.close();
            return;
        }
        lastUsedNanos = System.nanoTime();
        if (notifications != null) {
            channel.fail(409, HttpReplies.error("Conflict: this session's notification stream is open already"));
            return;
        }
        if (admit(channel)) {
            notifications = channel;
            channel.openStream();
        }
    }

    @Override
    public FrontKind kind() {
        return FrontKind.HTTP;
    }

    @Override
    public boolean endsGraduallyOnDrain() {
        return true;
    }

    @Override
    public SessionChannel notifications() {
        return notifications;
    }

    /**
     * Keeps the notification stream warm and tells the nodes that wait on forwarded responses that this one is alive,
     * or ends the session once it has been unused for the idle time.
     */
    @Override
    public void keepAlive(long nowNanos) {
        if (notifications != null) {
            notifications.keepAlive();
        }
        for (ResponseChannel channel : open) {
            channel.heartbeat();
        }
        if (open.isEmpty() && session.pendingCalls() == 0 && nowNanos - lastUsedNanos > idleNanos) {
            LOG.info("idle http session ended [tenant: {}, device: {}]", session.identity().tenant(),
                    session.identity().device());
            end(CLOSE_NORMAL, "idle");
        }
    }

    /** Ends the session: its responses end, its id answers 404 from now on, the host is told. */
    @Override
    public Future<Void> end(short code, String reason) {
        if (!ended) {
            ended = true;
            directory.remove(this);
            for (ResponseChannel channel : List.copyOf(open)) {
                channel.close();
            }
            open.clear();
            notifications = null;
            host.ended(session, "code: " + code + ", " + reason);
        }
        return Future.succeededFuture();
    }

    /** Counts an open response against the session's limit; refuses it with 429 over the limit. */
    private boolean admit(ResponseChannel channel) {
        if (open.size() >= maxStreams) {
            channel.fail(429, HttpReplies.error("Too many open requests in this session (limit " + maxStreams + ")"));
            return false;
        }
        open.add(channel);
        channel.onClosed(() -> run(() -> forget(channel)));
        if (channel.isClosed()) {
            forget(channel);
        }
        return true;
    }

    /** Whether a message, or any message of a batch, is a request (and so wants a reply). */
    static boolean carriesRequests(JsonNode message) {
        if (message.isArray()) {
            for (JsonNode element : message) {
                if (carriesRequests(element)) {
                    return true;
                }
            }
            return false;
        }
        return message.isObject() && message.has("method") && message.has("id");
    }

    private void forget(ResponseChannel channel) {
        open.remove(channel);
        if (notifications == channel) {
            notifications = null;
        }
        lastUsedNanos = System.nanoTime();
    }
}
