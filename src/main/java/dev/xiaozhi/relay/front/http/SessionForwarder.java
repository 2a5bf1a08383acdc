package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.ForwardedHttpCancel;
import dev.xiaozhi.relay.bus.ForwardedHttpPart;
import dev.xiaozhi.relay.bus.ForwardedHttpRequest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the node a request reached, forwards a request of a session that another node owns to that node's
 * {@link ForwardedRequestsVerticle} and writes what comes back to the client, part by part: the owner sends the next
 * part only once this node wrote the last one, so the buffering is bounded on both sides. The client going away
 * ends the owner's side ({@link ForwardedHttpCancel}); the owner not asking for the next hop in time ends the
 * client's response (504 before anything was sent, the stream ended after). Used on the context of the request.
 */
final class SessionForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(SessionForwarder.class);

    private final EventBus eventBus;
    private final HttpSessions sessions;
    private final int writeQueueMaxBytes;
    private final DeliveryOptions hop;

    /**
     * @param hopTimeout how long the owner may take to send the next part of a response (it sends an empty one on
     *                   its keep-alive clock, so that this covers a long call)
     */
    SessionForwarder(Vertx vertx, HttpSessions sessions, int writeQueueMaxBytes, Duration hopTimeout) {
        this.eventBus = vertx.eventBus();
        this.sessions = sessions;
        this.writeQueueMaxBytes = writeQueueMaxBytes;
        this.hop = new DeliveryOptions().setSendTimeout(hopTimeout.toMillis());
    }

    /**
     * Forwards a request, authenticated here, to the owner of its session; a session whose owner is not in the
     * cluster any more answers 404 at once, so that the client initializes a new one.
     *
     * @param device whose token came with it, as {@code tenant/device}
     * @param body   a POST's body, read within the limit; null otherwise
     */
    void forward(HttpServerRequest request, String session, String device, String body) {
        String owner = HttpSessions.owner(session);
        ServerResponseSink sink = new ServerResponseSink(request.response(), writeQueueMaxBytes);
        if (!sessions.ownerAlive(session)) {
            sink.complete(404, HttpReplies.SESSION_NOT_FOUND);
            return;
        }
        String address = EventBusAddresses.httpSessions(owner);
        String stream = sessions.newStreamId();
        boolean[] done = new boolean[1];
        sink.onClosed(() -> {
            if (!done[0]) {
                done[0] = true;
                eventBus.send(address, new ForwardedHttpCancel(stream));
            }
        });
        eventBus.<Object>request(address, new ForwardedHttpRequest(stream, request.method().name(), session, device,
                body), hop).onComplete(part -> apply(part, sink, done, session));
    }

    private void apply(AsyncResult<Message<Object>> answer, ServerResponseSink sink, boolean[] done, String session) {
        if (answer.failed()) {
            boolean wasDone = done[0];
            done[0] = true;
            if (!wasDone && !sink.isClosed()) {
                failed(answer.cause(), sink, session);
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
                LOG.warn("slow reader dropped [front: http, forwarded to: {}]", HttpSessions.owner(session));
                if (more) {
                    message.reply(ForwardedSink.CLOSED);
                }
                return;
            }
        }
        switch (part.ending()) {
            case MORE -> message.<Object>replyAndRequest(ForwardedSink.MORE, hop)
                    .onComplete(next -> apply(next, sink, done, session));
            case END_STREAM -> {
                done[0] = true;
                sink.endStream();
            }
            case COMPLETE -> {
                done[0] = true;
                sink.complete(part.status(), part.body());
            }
            case RESET -> {
                done[0] = true;
                sink.reset();
            }
            default -> throw new IllegalStateException("unknown ending " + part.ending());
        }
    }

    /** The owner did not answer: gone (404, the client starts over), or slow (504, or the stream ends). */
    private void failed(Throwable cause, ServerResponseSink sink, String session) {
        boolean gone = !sessions.ownerAlive(session) || cause instanceof ReplyException reply
                && reply.failureType() == ReplyFailure.NO_HANDLERS;
        LOG.info("forwarded http request failed [owner: {}, reason: {}]", HttpSessions.owner(session),
                gone ? "owner gone" : cause.getMessage());
        if (sink.isStreaming()) {
            sink.endStream();
        } else if (gone) {
            sink.complete(404, HttpReplies.SESSION_NOT_FOUND);
        } else {
            sink.complete(504, HttpReplies.error("Gateway Timeout: the node of this session did not answer"));
        }
    }
}
