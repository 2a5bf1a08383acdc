package dev.xiaozhi.relay.upstream.http;

import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.nio.charset.StandardCharsets;

/** Counts a response's bytes against a bound, and shortens bodies for error messages. */
public final class BoundedBody {

    private final int limit;
    private long received;

    /** A bound of {@code limit} bytes. */
    public BoundedBody(int limit) {
        this.limit = limit;
    }

    /** Counts a chunk; false once the bound is exceeded. */
    public boolean add(Buffer chunk) {
        received += chunk.length();
        return received <= limit;
    }

    /** Whether more than the bound arrived. */
    public boolean exceeded() {
        return received > limit;
    }

    /** The failure of a response over the bound: an answer the upstream gave, too large to take. */
    public UpstreamCallException tooLarge() {
        return new UpstreamCallException(CallOutcome.UPSTREAM_ERROR, "response larger than " + limit + " bytes");
    }

    /** Reads a whole response body; over {@code limit} bytes the request is reset and the future fails. */
    public static Future<Buffer> read(HttpClientResponse response, int limit) {
        BoundedBody bounded = new BoundedBody(limit);
        Promise<Buffer> body = Promise.promise();
        Buffer whole = Buffer.buffer();
        response.handler(chunk -> {
            if (bounded.add(chunk)) {
                whole.appendBuffer(chunk);
            } else if (body.tryFail(bounded.tooLarge())) {
                response.request().reset();
            }
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(v -> body.tryComplete(whole));
        return body.future();
    }

    /**
     * The first {@code limit} bytes of a body (an error's, shown only as an excerpt): once more arrives the request
     * is reset, which drops the connection, and the future completes with what was read.
     */
    public static Future<Buffer> head(HttpClientResponse response, int limit) {
        Promise<Buffer> head = Promise.promise();
        Buffer kept = Buffer.buffer();
        response.handler(chunk -> {
            if (head.future().isComplete()) {
                return;
            }
            kept.appendBuffer(chunk, 0, Math.min(chunk.length(), limit - kept.length()));
            if (kept.length() >= limit) {
                head.tryComplete(kept);
                response.request().reset();
            }
        });
        response.exceptionHandler(head::tryFail);
        response.endHandler(v -> head.tryComplete(kept));
        return head.future();
    }

    /** The body's text with whitespace collapsed, cut to {@code maxChars}. */
    public static String excerpt(Buffer body, int maxChars) {
        String text = body.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + "…";
    }
}
