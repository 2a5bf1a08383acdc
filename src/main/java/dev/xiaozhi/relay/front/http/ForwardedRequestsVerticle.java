package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.ForwardedHttpCancel;
import dev.xiaozhi.relay.bus.ForwardedHttpRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests that other nodes of a cluster forward to the HTTP sessions this node owns (Streamable HTTP
 * ones, and the posted messages of legacy HTTP+SSE ones, whose stream stays where it was opened): the
 * node's one clustered consumer for them, at {@link EventBusAddresses#httpSessions} (never one per session). A
 * request for a session that is not here, or not of the device whose token came with it, answers 404, as on the
 * local path; otherwise its session serves it as if it had come in here, its response streamed back to the
 * receiving node ({@link ForwardedSink}). Deploy one instance per node.
 */
public final class ForwardedRequestsVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardedRequestsVerticle.class);

    private final HttpSessions sessions;
    private final long hopTimeoutMs;
    private final int maxQueuedBytes;
    private final Map<String, ForwardedSink> streams = new HashMap<>();
    private MessageConsumer<Object> consumer;

    /**
     * @param sessions       this node's HTTP sessions
     * @param hopTimeout     how long a receiving node may take to ask for the next part of a response
     * @param maxQueuedBytes how much of a response may wait for its receiving node
     */
    public ForwardedRequestsVerticle(HttpSessions sessions, Duration hopTimeout, int maxQueuedBytes) {
        this.sessions = Objects.requireNonNull(sessions);
        this.hopTimeoutMs = hopTimeout.toMillis();
        this.maxQueuedBytes = maxQueuedBytes;
    }

    @Override
    public Future<?> start() {
        consumer = vertx.eventBus().consumer(EventBusAddresses.httpSessions(sessions.nodeId()), this::onMessage);
        return consumer.completion();
    }

    @Override
    public Future<?> stop() {
        return consumer.unregister();
    }

    private void onMessage(Message<Object> message) {
        if (message.body() instanceof ForwardedHttpCancel cancel) {
            ForwardedSink stream = streams.get(cancel.stream());
            if (stream != null) {
                stream.cancelled();
            }
            return;
        }
        if (!(message.body() instanceof ForwardedHttpRequest request)) {
            message.fail(400, "unexpected message");
            return;
        }
        ForwardedSink sink = new ForwardedSink(message, hopTimeoutMs, maxQueuedBytes,
                () -> streams.remove(request.stream()));
        streams.put(request.stream(), sink);
        HttpSession session = sessions.find(request.session());
        ResponseChannel channel = new ResponseChannel(context, sink, () -> LOG.warn(
                "slow reader dropped [device: {}, front: http, forwarded]", request.device()));
        SseSession legacy = session == null ? sessions.legacy().find(request.session()) : null;
        if (legacy != null && legacy.device().equals(request.device()) && request.body() != null) {
            if (legacy.receive(request.body())) {
                channel.finish(null, 202);
            } else {
                channel.fail(400, HttpReplies.PARSE_ERROR);
            }
            return;
        }
        if (legacy != null) {
            channel.fail(404, HttpReplies.LEGACY_SESSION_NOT_FOUND);
            return;
        }
        if (session == null || !session.device().equals(request.device())) {
            channel.fail(404, HttpReplies.SESSION_NOT_FOUND);
            return;
        }
        if (request.prefersStream()) {
            channel.preferringStream();
        }
        session.serve(HttpMethod.valueOf(request.method()), request.body(), channel);
    }
}
