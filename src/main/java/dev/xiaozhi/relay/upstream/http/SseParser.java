package dev.xiaozhi.relay.upstream.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Incremental parser of a {@code text/event-stream}: feed it chunks as they arrive; it calls back with each event's
 * type ({@code message} unless named) and data (multi-line data joined with newlines).
 */
final class SseParser {

    private final BiConsumer<String, String> onEvent;
    private Buffer pending = Buffer.buffer();
    private final StringBuilder data = new StringBuilder();
    private String event = "message";
    private boolean hasData;

    SseParser(BiConsumer<String, String> onEvent) {
        this.onEvent = onEvent;
    }

    /** Takes the next chunk of the stream; lines are split on bytes, so no character is cut in two. */
    void feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            if (pending.getByte(i) == '\n') {
                int end = i > start && pending.getByte(i - 1) == '\r' ? i - 1 : i;
                line(pending.getString(start, end, StandardCharsets.UTF_8.name()));
                start = i + 1;
            }
        }
        pending = start == 0 ? pending : pending.getBuffer(start, pending.length());
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (hasData) {
                onEvent.accept(event, data.toString());
            }
            data.setLength(0);
            hasData = false;
            event = "message";
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + (line.startsWith(": ", colon) ? 2 : 1));
        if ("data".equals(field)) {
            data.append(hasData ? "\n" : "").append(value);
            hasData = true;
        } else if ("event".equals(field)) {
            event = value;
        }
    }
}
