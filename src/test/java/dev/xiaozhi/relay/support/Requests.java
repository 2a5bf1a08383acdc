package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON-RPC requests a device sends in tests, and what tests read from replies. */
public final class Requests {

    private Requests() {
    }

    /** An {@code initialize} with the given id and protocol version. */
    public static String initialize(int id, String version) {
        return initialize(id, version, "{}");
    }

    /** An {@code initialize} whose client declares {@code capabilities} (a JSON object). */
    public static String initialize(int id, String version, String capabilities) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + version + "\",\"capabilities\":" + capabilities + ",\"clientInfo\":{\"name\":\"test\"}}}";
    }

    /** A {@code tools/call} with the given id, catalog tool name and arguments object. */
    public static String call(int id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }

    /** A request of any method with the given raw id and params object (null for none). */
    public static String request(String rawId, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    /** A {@code tools/list} without cursor. */
    public static String listTools(String rawId) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"method\":\"tools/list\"}";
    }

    /** The first text item of a {@code tools/call} reply. */
    public static String text(JsonNode reply) {
        return reply.at("/result/content/0/text").asText();
    }
}
