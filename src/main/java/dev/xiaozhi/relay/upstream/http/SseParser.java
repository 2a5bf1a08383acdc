package dev.xiaozhi.relay.upstream.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Incremental parser of a {@code text/event-stream}: feed it chunks as they arrive; it calls back with each event's
 * type ({@code message} unless named) and data (multi-line data joined with newlines). Every byte is looked at once,
 * however the stream is cut into chunks, and no line nor event may exceed {@code maxEventBytes}: past that the
 * parser stops and {@link #feed} says so, for the stream to be dropped.
 */
final class SseParser {

    private final int maxEventBytes;
    private final BiConsumer<String, String> onEvent;
    private Buffer pending = Buffer.buffer();
    private final StringBuilder data = new StringBuilder();
    private String event = "message";
    private boolean hasData;
    private long dataBytes;
    private boolean overflowed;

    SseParser(int maxEventBytes, BiConsumer<String, String> onEvent) {
        this.maxEventBytes = maxEventBytes;
        this.onEvent = onEvent;
    }

    /**
     * Takes the next chunk of the stream; lines are split on bytes, so no character is cut in two. False once a line
     * or an event is over the bound; from then on nothing more is parsed.
     */
    boolean feed(Buffer chunk) {
        if (overflowed) {
            return false;
        }
        int scanned = pending.length();
        pending.appendBuffer(chunk);
        int start = 0;
        for (int i = scanned; i < pending.length() && !overflowed; i++) {
            if (pending.getByte(i) == '\n') {
                int end = i > start && pending.getByte(i - 1) == '\r' ? i - 1 : i;
                overflowed = end - start > maxEventBytes
                        || !line(pending.getString(start, end, StandardCharsets.UTF_8.name()), end - start);
                start = i + 1;
            }
        }
        pending = start == 0 ? pending : pending.getBuffer(start, pending.length());
        overflowed |= pending.length() > maxEventBytes;
        if (overflowed) {
            pending = Buffer.buffer();
            data.setLength(0);
        }
        return !overflowed;
    }

    /** The bound on a line or an event, in bytes. */
    int maxEventBytes() {
        return maxEventBytes;
    }

    /** Takes one line of {@code bytes} bytes; false when it makes the event's data larger than the bound. */
    private boolean line(String line, int bytes) {
        if (line.isEmpty()) {
            if (hasData) {
                onEvent.accept(event, data.toString());
            }
            data.setLength(0);
            hasData = false;
            dataBytes = 0;
            event = "message";
            return true;
        }
        if (line.startsWith(":")) {
            return true;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + (line.startsWith(": ", colon) ? 2 : 1));
        if ("data".equals(field)) {
            dataBytes += bytes;
            data.append(hasData ? "\n" : "").append(value);
            hasData = true;
        } else if ("event".equals(field)) {
            event = value;
        }
        return dataBytes <= maxEventBytes;
    }
}
