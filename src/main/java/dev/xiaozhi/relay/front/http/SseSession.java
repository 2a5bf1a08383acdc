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

/**
 * The transport of one legacy HTTP+SSE session (MCP 2024-11-05): one event stream, opened by {@code GET /sse}, carries
 * everything the relay sends (replies, progress, notifications); the client's messages arrive as
 * {@code POST /messages?sessionId=…}. The session lives as long as its stream: when the client closes it, or stops
 * reading and is dropped, the session ends. Lives on the context of the verticle whose connection holds the stream;
 * messages that arrive on another verticle's connection hop over. Its id is the {@code sessionId} of the posts.
 */
final class SseSession extends HttpTransport {

    private final SseSessions directory;
    private final ResponseChannel stream;
    private McpSession session;
    private boolean ended;

    SseSession(String id, DeviceIdentity identity, String remote, Context context, SseSessions directory,
            SessionHost host, ResponseChannel stream) {
        super(id, identity, remote, context, host);
        this.directory = directory;
        this.stream = stream;
    }

    /**
     * Starts the session the host opened: the stream opens with the {@code endpoint} event that tells the client
     * where to post, and its end ends the session.
     */
    void start(McpSession opened, String endpoint) {
        session = opened;
        stream.onClosed(() -> end((short) 1000, "stream closed"));
        if (stream.isClosed()) {
            end((short) 1000, "stream closed");
            return;
        }
        stream.openStream();
        stream.send("endpoint", endpoint);
    }

    /**
     * Takes a posted body, from this node's front or forwarded by another node: a single JSON value is handled on
     * the session's context, and the client is owed 202; anything else is owed 400 with a parse error.
     *
     * @return whether the body was a JSON value
     */
    boolean receive(String body) {
        JsonNode message;
        try {
            message = Json.parse(body);
        } catch (JsonProcessingException e) {
            return false;
        }
        run(() -> post(message));
        return true;
    }

    /** Handles a posted message or batch; what is due goes on the stream. */
    private void post(JsonNode message) {
        if (!ended) {
            session.answer(message, stream).onSuccess(reply -> {
                if (reply != null) {
                    stream.send(reply);
                }
            });
        }
    }

    @Override
    public FrontKind kind() {
        return FrontKind.SSE;
    }

    @Override
    public SessionChannel notifications() {
        return stream;
    }

    /** Keeps the stream warm, so that proxies keep it and a dead peer is found. */
    @Override
    public void keepAlive(long nowNanos) {
        stream.keepAlive();
    }

    /** Ends the session: its stream ends, its id answers 404 from now on, the host is told. */
    @Override
    public Future<Void> end(short code, String reason) {
        if (!ended) {
            ended = true;
            directory.remove(this);
            stream.close();
            host.ended(session, "code: " + code + ", " + reason);
        }
        return Future.succeededFuture();
    }
}
