package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.ToolResults;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A stdio MCP server, run as a child process through {@link #main}, that asks its client as many servers do: its one
 * tool, {@code ask}, sends the request named by its argument {@code method} ({@code sampling/createMessage},
 * {@code elicitation/create}, {@code roots/list}) to its client whatever the client declared, waits for the answer
 * and answers the call with it: the text is {@code result: <JSON>} or {@code error: <JSON>}.
 */
public final class AskingStdioServer {

    private AskingStdioServer() {
    }

    /** The YAML flow mapping of a stdio target running this server with the test JVM's java and class path. */
    public static String target() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return "{type: stdio, command: %s, args: [-cp, %s, %s]}".formatted(Json.quote(java),
                Json.quote(System.getProperty("java.class.path")), AskingStdioServer.class.getName());
    }

    /** Serves over stdio until stdin closes. */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int asked = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            JsonNode message = Json.parse(line);
            if (!message.has("id") || !message.has("method")) {
                continue;
            }
            String id = message.get("id").toString();
            switch (message.get("method").asText()) {
                case "initialize" -> out.println(JsonRpc.response(id, "{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"asking\",\"version\":\"1\"}}"));
                case "tools/list" -> out.println(JsonRpc.response(id, "{\"tools\":[{\"name\":\"ask\",\"description\":"
                        + "\"asks the client\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"method\":"
                        + "{\"type\":\"string\"}}}}]}"));
                case "tools/call" -> {
                    String question = "\"ask-" + ++asked + "\"";
                    out.println(JsonRpc.request(question, message.at("/params/arguments/method").asText(),
                            "{\"messages\":[],\"maxTokens\":10,\"message\":\"?\",\"requestedSchema\":"
                                    + "{\"type\":\"object\",\"properties\":{}}}"));
                    out.println(JsonRpc.response(id, ToolResults.text(answerTo(question, in))));
                }
                default -> out.println(JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "no such method"));
            }
        }
    }

    /** Reads until the client's answer to {@code question}; what else comes meanwhile is skipped. */
    private static String answerTo(String question, BufferedReader in) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            JsonNode message = Json.parse(line);
            if (!message.has("method") && question.equals(message.path("id").toString())) {
                return message.has("error") ? "error: " + Json.compact(message.get("error"))
                        : "result: " + Json.compact(message.path("result"));
            }
        }
        return "stdin closed";
    }
}
