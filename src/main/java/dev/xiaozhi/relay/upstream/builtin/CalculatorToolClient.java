package dev.xiaozhi.relay.upstream.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.bus.ToolCall;
import dev.xiaozhi.relay.bus.ToolReply;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.ToolResults;
import dev.xiaozhi.relay.upstream.ToolClient;
import dev.xiaozhi.relay.upstream.builtin.calculator.Calculator;
import dev.xiaozhi.relay.upstream.builtin.calculator.CalculatorException;
import io.vertx.core.Future;

/**
 * The built-in {@code calculator} target: one tool, {@code evaluate}, backed by the safe {@link Calculator}.
 * Evaluation is bounded by the calculator's guards, so it runs on the event loop.
 */
public final class CalculatorToolClient implements ToolClient {

    /** The name of this builtin in the configuration. */
    public static final String BUILTIN_NAME = "calculator";
    /** The tool's name at the target. */
    public static final String TOOL_NAME = "evaluate";

    private static final double MAX_EXACT_INTEGER = 9.007199254740992E15;

    private static final JsonNode TOOLS = parse("""
            [{"name":"evaluate",
              "description":"Evaluates an arithmetic expression and returns the number. Supports + - * / % ** (power), \
            parentheses, unary minus, sqrt sin cos tan asin acos atan log log10 exp abs round floor ceil min max pow, \
            and the constants pi and e. Angles are in radians. Example: sqrt(2) * (3 + 4) ** 2",
              "inputSchema":{"type":"object",
                "properties":{"expression":{"type":"string","maxLength":1000,
                  "description":"The expression, e.g. (12.5 + 7) * 3 / 4"}},
                "required":["expression"]},
              "outputSchema":{"type":"object",
                "properties":{"result":{"type":"number"},"expression":{"type":"string"}},
                "required":["result"]}}]
            """);

    @Override
    public Future<JsonNode> listTools() {
        return Future.succeededFuture(TOOLS);
    }

    @Override
    public Future<ToolReply> call(ToolCall call) {
        if (!TOOL_NAME.equals(call.tool())) {
            return Future.succeededFuture(new ToolReply(ToolResults.error("unknown tool: " + call.tool()), true));
        }
        JsonNode expression = call.arguments().get("expression");
        if (expression == null || !expression.isTextual()) {
            return Future.succeededFuture(new ToolReply(
                    ToolResults.error("argument 'expression' is required and must be a string"), true));
        }
        try {
            double value = Calculator.evaluate(expression.asText());
            String text = Calculator.format(value);
            ObjectNode structured = Json.MAPPER.createObjectNode();
            if (value == Math.rint(value) && Math.abs(value) < MAX_EXACT_INTEGER) {
                structured.put("result", (long) value);
            } else {
                structured.put("result", value);
            }
            structured.put("expression", expression.asText());
            return Future.succeededFuture(new ToolReply(ToolResults.text(text, structured.toString()), false));
        } catch (CalculatorException e) {
            return Future.succeededFuture(new ToolReply(ToolResults.error(e.getMessage()), true));
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
