package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.bus.ForwardedHttpPart;
import dev.xiaozhi.relay.bus.ForwardedHttpPart.Ending;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * On a session's owner, the response of a request another node forwarded: written back to that node as
 * {@link ForwardedHttpPart}s, one hop at a time (each part is the reply to the receiving node's last message, which
 * answers once it wrote it), so that at most one part is in flight. What is written meanwhile waits here, up to
 * {@code maxQueuedBytes}; beyond that the receiving node's client counts as a slow reader and the response is reset.
 * A hop that is not answered in time, or a receiving node that says its client is gone, ends the response. Used on
 * the context of the node's forwarded-request consumer.
 */
final class ForwardedSink implements ResponseSink {

    /** The receiving node's answer to a part: it wrote it and waits for the next. */
    static final String MORE = "more";
    /** The receiving node's answer to a part: its client is gone. */
    static final String CLOSED = "closed";

    private final DeliveryOptions hop;
    private final int maxQueuedBytes;
    private final Runnable released;
    private final List<String> data = new ArrayList<>();
    private Message<Object> held;
    private Runnable onClosed = () -> { };
    private boolean startStream;
    private int queuedBytes;
    private Ending ending = Ending.MORE;
    private int status;
    private String body;
    private boolean over;
    private boolean closed;

    /**
     * @param request        the forwarded request, to be answered with the first part
     * @param hopTimeoutMs   how long the receiving node may take to ask for the next part
     * @param maxQueuedBytes how much may wait for the receiving node
     * @param released       runs once when the response is over, after {@code onClosed}
     */
    ForwardedSink(Message<Object> request, long hopTimeoutMs, int maxQueuedBytes, Runnable released) {
        this.held = request;
        this.hop = new DeliveryOptions().setSendTimeout(hopTimeoutMs);
        this.maxQueuedBytes = maxQueuedBytes;
        this.released = released;
    }

    @Override
    public void onClosed(Runnable handler) {
        onClosed = handler;
    }

    @Override
    public void beginStream() {
        if (!over) {
            startStream = true;
            flush();
        }
    }

    @Override
    public boolean write(String piece) {
        if (over) {
            return false;
        }
        if (queuedBytes + piece.length() > maxQueuedBytes) {
            data.clear();
            end(Ending.RESET, 0, null);
            return false;
        }
        data.add(piece);
        queuedBytes += piece.length();
        flush();
        return true;
    }

    @Override
    public void endStream() {
        end(Ending.END_STREAM, 0, null);
    }

    @Override
    public void complete(int completeStatus, String json) {
        end(Ending.COMPLETE, completeStatus, json);
    }

    /** Sends an empty part when nothing is in flight, so that the receiving node knows this one is alive. */
    @Override
    public void heartbeat() {
        if (!over) {
            flush();
        }
    }

    /** The receiving node's client went away: the response ends here. */
    void cancelled() {
        if (held != null) {
            held.reply(new ForwardedHttpPart(false, List.of(), Ending.RESET, 0, null));
            held = null;
        }
        over = true;
        closed();
    }

    private void end(Ending how, int endStatus, String json) {
        if (over) {
            return;
        }
        over = true;
        ending = how;
        status = endStatus;
        body = json;
        flush();
        closed();
    }

    private void flush() {
        if (held == null) {
            return;
        }
        Message<Object> to = held;
        held = null;
        ForwardedHttpPart part = new ForwardedHttpPart(startStream, List.copyOf(data), ending, status, body);
        startStream = false;
        data.clear();
        queuedBytes = 0;
        if (ending != Ending.MORE) {
            to.reply(part);
            return;
        }
        to.replyAndRequest(part, hop).onComplete(answer -> {
            if (answer.failed() || !MORE.equals(answer.result().body())) {
                over = true;
                closed();
                return;
            }
            held = answer.result();
            if (startStream || !data.isEmpty() || ending != Ending.MORE) {
                flush();
            }
        });
    }

    private void closed() {
        if (!closed) {
            closed = true;
            onClosed.run();
            released.run();
        }
    }
}
