package dev.xiaozhi.relay.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Fits a {@code tools/call} result into a front's size cap.
 * <p>
 * A result whose response would exceed the cap is replaced by a valid result with one text item: the original text
 * (or the compact structured content when there is no text) cut on a character boundary and followed by a marker
 * that says how much was cut. {@code isError} is kept. The reply is never dropped and never invalid JSON.
 * <p>
 * A call's {@code notifications/progress} is held to the same cap: over it, only its token, progress, total and the
 * start of its message (with the marker) are kept; a notification that cannot fit even so is dropped.
 */
public final class ResultTruncator {

    private static final String MARKER = "\n[truncated by the relay: %d of %d bytes shown]";
    private static final int MINIMUM_CAP = 256;

    private final int capBytes;

    /**
     * @param capBytes the largest whole response (envelope included) a peer accepts, in UTF-8 bytes
     */
    public ResultTruncator(int capBytes) {
        if (capBytes < MINIMUM_CAP) {
            throw new IllegalArgumentException("cap must be at least " + MINIMUM_CAP + " bytes");
        }
        this.capBytes = capBytes;
    }

    /** Returns {@code resultJson} when its response fits, else a truncated result that does. */
    public String fit(String rawId, String resultJson) {
        // a char takes at most 3 bytes: most results fit without counting
        if ((resultJson.length() + rawId.length()) * 3L + JsonRpc.RESPONSE_FRAME_CHARS <= capBytes) {
            return resultJson;
        }
        int overhead = JsonRpc.responseOverhead(rawId);
        if (Utf8.length(resultJson) + overhead <= capBytes) {
            return resultJson;
        }
        Source source = Source.of(resultJson);
        String marker = String.format(MARKER, source.bytes, source.bytes);
        String skeleton = build("", source.isError);
        int budget = capBytes - overhead - Utf8.length(skeleton) - escapedLength(marker, marker.length());
        int end = prefixFitting(source.text, Math.max(0, budget));
        String kept = source.text.substring(0, end);
        return build(kept + String.format(MARKER, Utf8.length(kept), source.bytes), source.isError);
    }

    /** The progress notification of {@code params} when it fits, else one cut to fit, else empty. */
    public Optional<String> fitProgress(ObjectNode params) {
        String whole = progress(params);
        if (whole.length() * 3L <= capBytes || Utf8.length(whole) <= capBytes) {
            return Optional.of(whole);
        }
        ObjectNode kept = params.objectNode();
        for (String field : new String[] {"progressToken", "progress", "total"}) {
            if (params.has(field)) {
                kept.set(field, params.get(field));
            }
        }
        if (!params.path("message").isTextual()) {
            String bare = progress(kept);
            return Utf8.length(bare) <= capBytes ? Optional.of(bare) : Optional.empty();
        }
        String message = params.get("message").textValue();
        String marker = String.format(MARKER, Utf8.length(message), Utf8.length(message));
        int budget = capBytes - Utf8.length(progress(kept.put("message", ""))) - escapedLength(marker, marker.length());
        if (budget < 0) {
            return Optional.empty();
        }
        String start = message.substring(0, prefixFitting(message, budget));
        kept.put("message", start + String.format(MARKER, Utf8.length(start), Utf8.length(message)));
        return Optional.of(progress(kept));
    }

    private static String progress(ObjectNode params) {
        return JsonRpc.notification("notifications/progress", params.toString());
    }

    private static String build(String text, boolean isError) {
        return isError ? ToolResults.error(text) : ToolResults.text(text);
    }

    /** Length of the longest prefix whose JSON-escaped UTF-8 form takes at most {@code budget} bytes. */
    private static int prefixFitting(String text, int budget) {
        int used = 0;
        int i = 0;
        while (i < text.length()) {
            int width = escapedWidth(text, i);
            if (used + width > budget) {
                break;
            }
            used += width;
            i += Character.isHighSurrogate(text.charAt(i)) && width == 4 ? 2 : 1;
        }
        return i;
    }

    private static int escapedLength(String text, int end) {
        int total = 0;
        for (int i = 0; i < end; i++) {
            total += escapedWidth(text, i);
        }
        return total;
    }

    private static int escapedWidth(String text, int index) {
        char c = text.charAt(index);
        if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
            return 2;
        }
        if (c < 0x20) {
            return 6;
        }
        return Utf8.charLength(text, index);
    }

    /** The text a truncated result is cut from. */
    private record Source(String text, boolean isError, int bytes) {

        static Source of(String resultJson) {
            int bytes = Utf8.length(resultJson);
            try {
                JsonNode result = Json.parse(resultJson);
                StringBuilder text = new StringBuilder();
                for (JsonNode item : result.path("content")) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    String type = item.path("type").asText();
                    text.append("text".equals(type) ? item.path("text").asText() : "[" + type + " content omitted]");
                }
                if (text.isEmpty() && result.has("structuredContent")) {
                    text.append(result.get("structuredContent").toString());
                }
                return new Source(text.toString(), result.path("isError").asBoolean(false), bytes);
            } catch (JsonProcessingException e) {
                return new Source(resultJson, false, bytes);
            }
        }
    }
}
