package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies that every kind of bad input gets its exact JSON-RPC error and the session keeps serving. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class ProtocolErrorsTest {

    private static final String V2024 = "2024-11-05";
    private static final String V2025_03 = "2025-03-26";

    private static TestRelay relay;

    @BeforeAll
    static void startRelay(@TempDir Path stateDir) throws Exception {
        relay = TestRelay.start(stateDir, "");
    }

    @AfterAll
    static void stopRelay() throws Exception {
        relay.close();
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                arguments("unparsable frame", V2024, "{\"jsonrpc\":\"2.0\",\"id\":1,",
                        error("null", -32700, "Parse error: not a single valid JSON value")),
                arguments("two JSON values in one frame", V2024, "{} {}",
                        error("null", -32700, "Parse error: not a single valid JSON value")),
                arguments("not an object", V2024, "42",
                        error("null", -32600, "Invalid Request: expected a JSON object")),
                arguments("jsonrpc missing", V2024, "{\"id\":5,\"method\":\"ping\"}",
                        error("5", -32600, "Invalid Request: jsonrpc must be \\\"2.0\\\"")),
                arguments("id of the wrong type", V2024, "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
                        error("null", -32600, "Invalid Request: id must be a string or an integer")),
                arguments("method not a string", V2024, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":7}",
                        error("6", -32600, "Invalid Request: method must be a string")),
                arguments("request before initialize", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                        error("1", -32600, "Invalid Request: tools/list before initialize")),
                arguments("unknown method", V2024, "{\"jsonrpc\":\"2.0\",\"id\":\"r\",\"method\":\"server/discover\"}",
                        error("\"r\"", -32601, "Method not found: server/discover")),
                arguments("params not an object", V2024,
                        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":[1]}",
                        error("7", -32602, "Invalid params: params must be an object")),
                arguments("tool name missing", V2024,
                        "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"arguments\":{}}}",
                        error("8", -32602, "Invalid params: name must be a string")),
                arguments("arguments not an object", V2024, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"calculator___evaluate\",\"arguments\":\"1+1\"}}",
                        error("9", -32602, "Invalid params: arguments must be an object")),
                arguments("unknown tool", V2024, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"nope___nothing\",\"arguments\":{}}}",
                        error("10", -32602, "Unknown tool: nope___nothing")),
                arguments("unknown cursor", V2024,
                        "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\",\"params\":{\"cursor\":\"bogus\"}}",
                        error("11", -32602, "Invalid params: unknown cursor")),
                arguments("second initialize", V2024, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2024-11-05\"}}",
                        error("12", -32600, "Invalid Request: session already initialized")),
                arguments("initialize without protocolVersion", null,
                        "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"initialize\",\"params\":{}}",
                        error("13", -32602, "Invalid params: protocolVersion must be a string")),
                arguments("batch under 2024-11-05", V2024, "[{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"ping\"}]",
                        error("null", -32600,
                                "Invalid Request: batches are only supported under protocol version 2025-03-26")),
                arguments("empty batch", V2025_03, "[]", error("null", -32600, "Invalid Request: empty batch")),
                arguments("batch of bad members", V2025_03, "[1,{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"x/y\"}]",
                        "[" + error("null", -32600, "Invalid Request: expected a JSON object") + ","
                                + error("15", -32601, "Method not found: x/y") + "]"));
    }

    /** Verifies that a bad message gets exactly the expected error and the session still answers afterwards. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void answersBadInputWithTheRightError(String name, String version, String frame, String expected, Vertx vertx)
            throws Exception {
        // GIVEN a session, initialized when the case needs it
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        if (version != null) {
            device.initialize(version);
        }

        // WHEN the bad frame arrives, THEN the exact error comes back
        assertThat(device.send(frame).nextText()).isEqualTo(expected);

        // AND the session still serves
        assertThat(device.exchange("{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"ping\"}").toString())
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}");
    }

    /** Verifies that ids are echoed with their exact JSON type and value, including 0 and huge integers. */
    @ParameterizedTest
    @MethodSource("ids")
    void echoesIdsExactly(String rawId, Vertx vertx) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize(V2024);

        String reply = device.send("{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"method\":\"ping\"}").nextText();

        assertThat(reply).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"result\":{}}");
    }

    static Stream<String> ids() {
        return Stream.of("0", "-1", "\"0\"", "\"\"", "\"a \\\"quoted\\\" id\"", "9223372036854775807",
                "123456789012345678901234567890");
    }

    /** Verifies that the client's version is answered when supported and the newest one otherwise. */
    @ParameterizedTest
    @MethodSource("versions")
    void negotiatesTheProtocolVersion(String requested, String answered, Vertx vertx) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));

        JsonNode init = device.initialize(requested);

        assertThat(init.at("/result/protocolVersion").asText()).isEqualTo(answered);
    }

    static Stream<Arguments> versions() {
        return Stream.of(arguments("2024-11-05", "2024-11-05"), arguments("2025-03-26", "2025-03-26"),
                arguments("2025-06-18", "2025-06-18"), arguments("2025-11-25", "2025-11-25"),
                arguments("1999-01-01", "2025-11-25"));
    }

    /** Verifies that a batch under 2025-03-26 is answered as one array, notifications left out. */
    @Test
    void answersBatchesUnder20250326(Vertx vertx) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize(V2025_03);

        JsonNode replies = device.exchange("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"two\",\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"calculator___evaluate\",\"arguments\":{\"expression\":\"2**10\"}}}]");

        assertThat(replies.isArray()).isTrue();
        assertThat(replies).hasSize(2);
        assertThat(replies.get(0).toString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        assertThat(replies.get(1).get("id").asText()).isEqualTo("two");
        assertThat(replies.get(1).at("/result/content/0/text").asText()).isEqualTo("1024");
    }

    /** Verifies that a tool that fails answers with a tool error result, not a protocol error. */
    @Test
    void reportsToolFailuresAsToolErrors(Vertx vertx) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize(V2024);

        JsonNode reply = device.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"calculator___evaluate\",\"arguments\":{\"expression\":\"1/0\"}}}");

        assertThat(reply.has("error")).isFalse();
        assertThat(reply.at("/result/isError").asBoolean()).isTrue();
        assertThat(reply.at("/result/content/0/text").asText()).contains("division by zero");
    }

    private static String error(String rawId, int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + rawId + ",\"error\":{\"code\":" + code + ",\"message\":\"" + message
                + "\"}}";
    }
}
