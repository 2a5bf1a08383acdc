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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A stdio MCP server for attack tests, run as a child process through {@link #main} with a mode: {@code env} offers
 * one tool, {@code env}, that answers with the process's whole environment ({@code NAME=value} lines, sorted);
 * {@code deaf} lists one tool, {@code deaf}, and then never reads stdin again, so the relay's writes back up;
 * {@code forking} is {@code deaf} with a child process of its own ({@code sleep}) started first. These modes offer
 * {@code fair} (answers {@code fair ok}) besides their own tool: {@code hang}, after which the server reads on but
 * answers nothing, not even {@code ping}; {@code slow}, answered after {@link #SLOW_MS} while everything else,
 * {@code ping} included, is answered at once; {@code long}, answered with one line of {@link #LONG_LINE_BYTES};
 * {@code crash}, after which the server writes {@link #CRASH_STDERR} (secrets in it) to stderr and exits with
 * {@link #CRASH_EXIT}.
 */
public final class HostileStdioServer {

    /** How long {@code slow} takes. */
    public static final long SLOW_MS = 8_000;
    /** How long the line answering {@code long} is. */
    public static final int LONG_LINE_BYTES = 2 * 1024 * 1024;

    /** The exit code of {@code crash}. */
    public static final int CRASH_EXIT = 3;
    /** The lines {@code crash} writes to stderr before it exits. */
    public static final List<String> CRASH_STDERR = List.of("connecting with api_key=sk-live-0123456789abcdef",
            "sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl",
            "session 0123456789abcdef0123456789abcdef failed", "fatal: crashing on purpose");

    private static final Set<String> WITH_FAIR = Set.of("hang", "slow", "long", "crash");

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
        if ("forking".equals(tool)) {
            new ProcessBuilder("sleep", "1000").start();
        }
        String tools = "{\"tools\":[" + tool(tool) + (WITH_FAIR.contains(tool) ? "," + tool("fair") : "") + "]}";
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean silent = false;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            JsonNode message = Json.parse(line);
            if (!message.has("id") || silent) {
                continue;
            }
            String id = message.get("id").toString();
            String method = message.path("method").asText();
            String called = message.at("/params/name").asText();
            if ("tools/call".equals(method) && !"fair".equals(called) && !"env".equals(called)) {
                switch (called) {
                    case "hang" -> silent = true;
                    case "slow" -> new Thread(() -> {
                        sleep(SLOW_MS);
                        out.println(JsonRpc.response(id, ToolResults.text("slow ok")));
                    }).start();
                    case "crash" -> {
                        CRASH_STDERR.forEach(System.err::println);
                        System.err.flush();
                        System.exit(CRASH_EXIT);
                    }
                    case "long" -> out.println("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":"
                            + ToolResults.text("L".repeat(LONG_LINE_BYTES)) + "}");
                    default -> { }
                }
                continue;
            }
            out.println(switch (method) {
                case "initialize" -> JsonRpc.response(id, "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":"
                        + "{\"tools\":{}},\"serverInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}");
                case "tools/list" -> JsonRpc.response(id, tools);
                case "tools/call" -> JsonRpc.response(id, ToolResults.text("fair".equals(called) ? "fair ok"
                        : environment()));
                case "ping" -> JsonRpc.response(id, "{}");
                default -> JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "no such method");
            });
            if (("deaf".equals(tool) || "forking".equals(tool)) && "tools/list".equals(method)) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }

    private static String tool(String name) {
        return "{\"name\":\"" + name + "\",\"description\":\"" + name + "\",\"inputSchema\":{\"type\":\"object\"}}";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String environment() {
        Map<String, String> sorted = new TreeMap<>(System.getenv());
        return sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }
}
