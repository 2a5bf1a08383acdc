package dev.xiaozhi.relay.protocol;

/** Builders of MCP {@code tools/call} results. */
public final class ToolResults {

    private ToolResults() {
    }

    /** A result with one text item. */
    public static String text(String text) {
        return "{\"content\":[{\"type\":\"text\",\"text\":" + Json.quote(text) + "}]}";
    }

    /** A result with one text item and structured content. */
    public static String text(String text, String structuredJson) {
        return "{\"content\":[{\"type\":\"text\",\"text\":" + Json.quote(text) + "}],\"structuredContent\":"
                + structuredJson + "}";
    }

    /** A tool error: a failed call the model can read, with {@code isError: true}. */
    public static String error(String text) {
        return "{\"content\":[{\"type\":\"text\",\"text\":" + Json.quote(text) + "}],\"isError\":true}";
    }
}
