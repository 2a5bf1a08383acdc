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
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A stdio MCP server for attack tests, run as a child process through {@link #main} with a mode: {@code env} offers
 * one tool, {@code env}, that answers with the process's whole environment ({@code NAME=value} lines, sorted);
 * {@code deaf} lists one tool, {@code deaf}, and then never reads stdin again, so the relay's writes back up.
 */
public final class HostileStdioServer {

    private HostileStdioServer() {
    }

    /**
     * The YAML flow mapping of a stdio target running this server in a mode with the test JVM's java and class
     * path, with {@code extraKeys} (such as {@code "env: {A: b}"}; may be empty) added.
     */
    public static String target(String mode, String extraKeys) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return "{type: stdio, command: %s, args: [-cp, %s, %s, %s]%s}".formatted(Json.quote(java),
                Json.quote(System.getProperty("java.class.path")), HostileStdioServer.class.getName(), mode,
                extraKeys.isEmpty() ? "" : ", " + extraKeys);
    }

    /** Serves over stdio in the mode of {@code args[0]}. */
    public static void main(String[] args) throws IOException, InterruptedException {
        String tool = args[0];
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            JsonNode message = Json.parse(line);
            if (!message.has("id")) {
                continue;
            }
            String id = message.get("id").toString();
            String method = message.path("method").asText();
            out.println(switch (method) {
                case "initialize" -> JsonRpc.response(id, "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":"
                        + "{\"tools\":{}},\"serverInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}");
                case "tools/list" -> JsonRpc.response(id, "{\"tools\":[{\"name\":\"" + tool + "\",\"description\":"
                        + "\"" + tool + "\",\"inputSchema\":{\"type\":\"object\"}}]}");
                case "tools/call" -> JsonRpc.response(id, ToolResults.text(environment()));
                default -> JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "no such method");
            });
            if ("deaf".equals(tool) && "tools/list".equals(method)) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }

    private static String environment() {
        Map<String, String> sorted = new TreeMap<>(System.getenv());
        return sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }
}
