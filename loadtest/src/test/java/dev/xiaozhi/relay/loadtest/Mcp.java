package dev.xiaozhi.relay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;

/**
 * The Xiaozhi cloud's side of an MCP session over WebSocket, as Gatling steps: the handshake it runs on every
 * connection ({@code initialize} with id 0, then {@code notifications/initialized} and {@code tools/list} back to
 * back), tool calls, JSON-RPC pings. A session attribute {@code rpcId} numbers the requests after the handshake.
 */
public final class Mcp {

    /** The cloud's {@code initialize}, word for word. */
    public static final String INITIALIZE = "{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{\"sampling\":{},"
            + "\"roots\":{\"listChanged\":false}},\"clientInfo\":{\"name\":\"xz-mcp-broker\",\"version\":\"0.0.1\"}}}";
    /** The notification sent right after the answer to {@code initialize}. */
    public static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    /** The listing sent right after {@code initialized}, with id 1. */
    public static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}";
    private static final int TIMEOUT_SECONDS = 10;

    private Mcp() {
    }

    /** Connects to {@code url} (a Gatling expression) and runs the handshake; fails unless tools are listed. */
    public static ChainBuilder handshake(String url) {
        return exec(session -> session.set("rpcId", 1))
                .exec(ws("connect").connect(url))
                .exec(ws("initialize").sendText(INITIALIZE).await(TIMEOUT_SECONDS).on(
                        ws.checkTextMessage("initialize result").matching(jsonPath("$.id").is("0"))
                                .check(jsonPath("$.result.protocolVersion").exists())))
                .exec(ws("initialized").sendText(INITIALIZED))
                .exec(ws("tools/list").sendText(TOOLS_LIST).await(TIMEOUT_SECONDS).on(
                        ws.checkTextMessage("tools").matching(jsonPath("$.id").is("1"))
                                .check(jsonPath("$.result.tools[0].name").exists())));
    }

    /** Calls {@code tool} with {@code arguments} (JSON); fails on a JSON-RPC error or a tool error. */
    public static ChainBuilder call(String name, String tool, String arguments) {
        return nextId().exec(ws(name).sendText(callText(tool, arguments)).await(TIMEOUT_SECONDS).on(
                ws.checkTextMessage(name + " result").matching(sameId())
                        .check(jsonPath("$.result.content").exists(), jsonPath("$.result.isError").notExists())));
    }

    /** Calls {@code tool}, expecting a tool error (a failing target's): fails on anything else. */
    public static ChainBuilder callFailing(String name, String tool, String arguments) {
        return nextId().exec(ws(name).sendText(callText(tool, arguments)).await(TIMEOUT_SECONDS).on(
                ws.checkTextMessage(name + " result").matching(sameId())
                        .check(jsonPath("$.result.isError").is("true"))));
    }

    /** Lists the tools again, as an agent discovering them would. */
    public static ChainBuilder listTools(String name) {
        return nextId().exec(ws(name).sendText("{\"jsonrpc\":\"2.0\",\"id\":#{rpcId},\"method\":\"tools/list\"}")
                .await(TIMEOUT_SECONDS).on(ws.checkTextMessage(name + " result")
                        .matching(sameId()).check(jsonPath("$.result.tools").exists())));
    }

    /** A JSON-RPC {@code ping}, answered with an empty result. */
    public static ChainBuilder ping() {
        return nextId().exec(ws("ping").sendText("{\"jsonrpc\":\"2.0\",\"id\":#{rpcId},\"method\":\"ping\"}")
                .await(TIMEOUT_SECONDS).on(ws.checkTextMessage("pong").matching(sameId())
                        .check(jsonPath("$.result").exists())));
    }

    /** Closes the socket. */
    public static ChainBuilder close() {
        return exec(ws("close").close());
    }

    /** Arguments for a tool of the generated config or the embedded default: the echo's text or an expression. */
    public static String argumentsFor(String tool) {
        return tool.endsWith("echo") ? "{\"text\":\"hello from a load test\"}" : "{\"expression\":\"6*7\"}";
    }

    /** The {@code tools/call} text with the session's {@code rpcId}. */
    public static String callText(String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":#{rpcId},\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }

    private static CheckBuilder.Final sameId() {
        return jsonPath("$.id").ofInt().isEL("#{rpcId}");
    }

    private static ChainBuilder nextId() {
        return exec(session -> session.set("rpcId", session.getInt("rpcId") + 1));
    }
}
