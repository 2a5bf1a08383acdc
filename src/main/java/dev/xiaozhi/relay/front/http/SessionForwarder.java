package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.ForwardedHttpCancel;
import dev.xiaozhi.relay.bus.ForwardedHttpPart;
import dev.xiaozhi.relay.bus.ForwardedHttpRequest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the node a request reached, forwards a request of a session that another node owns to that node's
 * {@link ForwardedRequestsVerticle} and writes what comes back to the client, part by part: the owner sends the next
 * part only once this node wrote the last one, so the buffering is bounded on both sides. The client going away
 * ends the owner's side ({@link ForwardedHttpCancel}); the owner leaving the cluster ends the client's response at
 * once (404 before anything was sent, the stream ended after), and so does an owner that does not send the next
 * part in time (504 before anything was sent). One per front verticle, used on its context.
 */
final class SessionForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(SessionForwarder.class);

    private final EventBus eventBus;
    private final Context context;
    private final HttpSessions sessions;
    private final int writeQueueMaxBytes;
    private final DeliveryOptions hop;
    private final Map<String, Forward> inFlight = new HashMap<>();

    /**
     * @param hopTimeout how long the owner may take to send the next part of a response (it sends an empty one on
     *                   its keep-alive clock, so that this covers a long call)
     */
    SessionForwarder(Vertx vertx, HttpSessions sessions, int writeQueueMaxBytes, Duration hopTimeout) {
        this.eventBus = vertx.eventBus();
        this.context = vertx.getOrCreateContext();
        this.sessions = sessions;
        this.writeQueueMaxBytes = writeQueueMaxBytes;
        this.hop = new DeliveryOptions().setSendTimeout(hopTimeout.toMillis());
        sessions.onNodesChanged(() -> context.runOnContext(v -> ownersLeft()));
    }

    /**
     * Forwards a request, authenticated here, to the owner of its session; a session whose owner is not in the
     * cluster any more answers 404 at once, so that the client initializes a new one.
     *
     * @param device whose token came with it, as {@code tenant/device}
     * @param body   a POST's body, read within the limit; null otherwise
     */
    void forward(HttpServerRequest request, String session, String device, String body) {
        ServerResponseSink sink = new ServerResponseSink(request.response(), writeQueueMaxBytes);
        if (!sessions.ownerAlive(session)) {
            sink.complete(404, HttpReplies.SESSION_NOT_FOUND);
            return;
        }
        Forward forward = new Forward(sessions.newStreamId(), session, sink);
        inFlight.put(forward.stream, forward);
        sink.onClosed(() -> {
            if (forward.done()) {
                eventBus.send(forward.address(), new ForwardedHttpCancel(forward.stream));
            }
        });
        ForwardedHttpRequest forwarded = new ForwardedHttpRequest(forward.stream, request.method().name(), session,
                device, body, StreamableHttpFront.prefersStream(request));
        eventBus.<Object>request(forward.address(), forwarded, hop).onComplete(part -> apply(part, forward));
    }

    private void apply(AsyncResult<Message<Object>> answer, Forward forward) {
        ServerResponseSink sink = forward.sink;
        if (answer.failed()) {
            if (forward.done() && !sink.isClosed()) {
                boolean gone = answer.cause() instanceof ReplyException reply
                        && reply.failureType() == ReplyFailure.NO_HANDLERS;
                failed(forward, gone, answer.cause().getMessage());
            }
            return;
        }
        Message<Object> message = answer.result();
        ForwardedHttpPart part = (ForwardedHttpPart) message.body();
        boolean more = part.ending() == ForwardedHttpPart.Ending.MORE;
        if (sink.isClosed()) {
            if (more) {
                message.reply(ForwardedSink.CLOSED);
            }
            return;
        }
        if (part.startStream()) {
            sink.beginStream();
        }
        for (String data : part.data()) {
            if (!sink.write(data)) {
                LOG.warn("slow reader dropped [front: http, forwarded to: {}]", forward.owner());
                if (more) {
                    message.reply(ForwardedSink.CLOSED);
                }
                return;
            }
        }
        if (more) {
            message.<Object>replyAndRequest(ForwardedSink.MORE, hop).onComplete(next -> apply(next, forward));
            return;
        }
        forward.done();
        switch (part.ending()) {
            case END_STREAM -> sink.endStream();
            case COMPLETE -> sink.complete(part.status(), part.body());
            default -> sink.reset();
        }
    }

    /** Ends at once the forwards whose owner left the cluster. */
    private void ownersLeft() {
        for (Forward forward : List.copyOf(inFlight.values())) {
            if (!sessions.ownerAlive(forward.session) && forward.done() && !forward.sink.isClosed()) {
                failed(forward, true, "left the cluster");
            }
        }
    }

    /** The owner did not answer: gone (404, the client starts over), or slow (504); a stream just ends. */
    private void failed(Forward forward, boolean gone, String reason) {
        boolean left = gone || !sessions.ownerAlive(forward.session);
        LOG.info("forwarded http request ended: its session's node {} [node: {}, reason: {}]",
                left ? "is gone" : "did not answer", forward.owner(), reason);
        if (forward.sink.isStreaming()) {
            forward.sink.endStream();
        } else if (left) {
            forward.sink.complete(404, HttpReplies.SESSION_NOT_FOUND);
        } else {
            forward.sink.complete(504, HttpReplies.error("Gateway Timeout: the node of this session did not answer"));
        }
    }

    /** One forwarded request, from sending it until its response is over here. */
    private final class Forward {

        private final String stream;
        private final String session;
        private final ServerResponseSink sink;
        private boolean done;

        Forward(String stream, String session, ServerResponseSink sink) {
            this.stream = stream;
            this.session = session;
            this.sink = sink;
        }

        String owner() {
            return HttpSessions.owner(session);
        }

        String address() {
            return EventBusAddresses.httpSessions(owner());
        }

        /** Marks the forward over; true the first time only. */
        boolean done() {
            if (done) {
                return false;
            }
            done = true;
            inFlight.remove(stream);
            return true;
        }
    }
}
