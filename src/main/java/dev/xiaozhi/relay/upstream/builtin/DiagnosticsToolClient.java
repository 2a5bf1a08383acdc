package dev.xiaozhi.relay.upstream.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolReply;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.ToolResults;
import dev.xiaozhi.relay.upstream.ToolClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@code diagnostics} target: {@code echo} returns its text at once (relay overhead without target
 * cost) and {@code sleep} answers after a delay (deadlines, cancellation and draining). Sleeps are timers, never
 * blocked threads, and end early when the call is cancelled.
 */
public final class DiagnosticsToolClient implements ToolClient {

    /** The name of this builtin in the configuration. */
    public static final String BUILTIN_NAME = "diagnostics";
    /** Longest sleep accepted. */
    public static final long MAX_SLEEP_MS = 600_000;

    private static final JsonNode TOOLS = Json.MAPPER.valueToTree(List.of(
            Map.of("name", "echo",
                    "description", "Returns the given text unchanged.",
                    "inputSchema", Map.of("type", "object",
                            "properties", Map.of("text", Map.of("type", "string")),
                            "required", List.of("text"))),
            Map.of("name", "sleep",
                    "description", "Waits the given number of milliseconds, then answers.",
                    "inputSchema", Map.of("type", "object",
                            "properties", Map.of("ms", Map.of("type", "integer", "minimum", 0,
                                    "maximum", MAX_SLEEP_MS)),
                            "required", List.of("ms")))));

    private final Vertx vertx;
    private final Map<String, Sleep> sleeping = new HashMap<>();

    /** @param vertx timers for {@code sleep} */
    public DiagnosticsToolClient(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Future<JsonNode> listTools() {
        return Future.succeededFuture(TOOLS);
    }

    @Override
    public Future<ToolReply> call(ToolCall call) {
        JsonNode arguments = call.arguments();
        switch (call.tool()) {
            case "echo" -> {
                JsonNode text = arguments.get("text");
                return text != null && text.isTextual()
                        ? reply(ToolResults.text(text.textValue()), false)
                        : reply(ToolResults.error("argument 'text' is required and must be a string"), true);
            }
            case "sleep" -> {
                JsonNode ms = arguments.get("ms");
                if (ms == null || !ms.canConvertToLong() || ms.asLong() < 0 || ms.asLong() > MAX_SLEEP_MS) {
                    return reply(ToolResults.error("argument 'ms' must be an integer from 0 to " + MAX_SLEEP_MS),
                            true);
                }
                return sleep(call.callId(), ms.asLong());
            }
            default -> {
                return reply(ToolResults.error("unknown tool: " + call.tool()), true);
            }
        }
    }

    @Override
    public void cancel(String callId, String reason) {
        Sleep sleep = sleeping.remove(callId);
        if (sleep != null) {
            vertx.cancelTimer(sleep.timer());
            sleep.done().tryComplete(new ToolReply(ToolResults.error("cancelled: " + reason), true));
        }
    }

    private Future<ToolReply> sleep(String callId, long ms) {
        Promise<ToolReply> done = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, ms), id -> {
            sleeping.remove(callId);
            done.tryComplete(new ToolReply(ToolResults.text("slept " + ms + " ms"), false));
        });
        sleeping.put(callId, new Sleep(timer, done));
        return done.future();
    }

    private static Future<ToolReply> reply(String json, boolean isError) {
        return Future.succeededFuture(new ToolReply(json, isError));
    }

    private record Sleep(long timer, Promise<ToolReply> done) {
    }
}
