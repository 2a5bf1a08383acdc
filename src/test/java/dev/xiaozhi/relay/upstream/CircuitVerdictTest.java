package dev.xiaozhi.relay.upstream;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.listTools;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a target's circuit counts only failures of the upstream itself: a JSON-RPC error the server answered
 * with, or a call its caller cancelled, is no reason to switch the target off for every tenant.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class CircuitVerdictTest {

    private static final int MAX_FAILURES = 2;
    private static final int CALLS = MAX_FAILURES + 3;

    private static TestRelay relay;

    @BeforeAll
    static void startRelay(@TempDir Path stateDir) throws Exception {
        String script = Path.of("src/test/resources/stdio/picky-server.js").toAbsolutePath().toString();
        String yaml = """
                node: {stateDir: %1$s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                  picky:
                    type: stdio
                    command: node
                    args: [%2$s]
                    breaker: {maxFailures: %3$d, resetTimeout: 1m}
                  patient:
                    type: stdio
                    command: node
                    args: [%2$s]
                    breaker: {maxFailures: %3$d, resetTimeout: 1m}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%4$s"}}}
                  beta: {devices: {hall: {tokenHash: "%5$s"}}}
                """.formatted(stateDir, script, MAX_FAILURES, TokenHash.ofPlain(TestRelay.TOKEN),
                TokenHash.ofPlain(TestRelay.LIMITED_TOKEN));
        relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
    }

    @AfterAll
    static void stopRelay() throws Exception {
        relay.close();
    }

    /**
     * Verifies that JSON-RPC errors from a stdio server do not open its circuit.
     *
     * <p>GIVEN a stdio server that answers {@code tools/call} of one tool with -32602, WHEN a device of one tenant
     * makes more such calls than {@code breaker.maxFailures}, THEN each gets the server's error as a tool error, a
     * device of another tenant still gets real results, and the circuit stays closed.
     */
    @Test
    void keepsTheCircuitClosedWhenTheServerAnswersWithErrors(Vertx vertx) throws Exception {
        TestSocket kitchen = ready(vertx, TestRelay.TOKEN, "picky");
        TestSocket hall = ready(vertx, TestRelay.LIMITED_TOKEN, "picky");

        for (int id = 1; id <= CALLS; id++) {
            JsonNode refused = kitchen.exchange(call(id, "picky___strict", "{}"));
            assertThat(refused.at("/result/isError").asBoolean()).isTrue();
            assertThat(text(refused))
                    .isEqualTo("picky answered with an error: Invalid arguments: text is required (-32602)");
        }

        assertThat(text(hall.exchange(call(1, "picky___echo", "{\"text\":\"still here\"}")))).isEqualTo("still here");
        assertThat(circuitOpen("picky")).isZero();
        assertThat(calls("picky", "upstream_error")).isEqualTo(CALLS);
    }

    /**
     * Verifies that calls cancelled by their device do not open the circuit.
     *
     * <p>GIVEN a stdio server that never answers one tool, WHEN a device cancels more calls of it than
     * {@code breaker.maxFailures}, THEN a device of another tenant still gets real results and the circuit stays
     * closed.
     */
    @Test
    void keepsTheCircuitClosedWhenCallsAreCancelled(Vertx vertx) throws Exception {
        TestSocket kitchen = ready(vertx, TestRelay.TOKEN, "patient");
        TestSocket hall = ready(vertx, TestRelay.LIMITED_TOKEN, "patient");
        double before = calls("patient");

        for (int id = 1; id <= CALLS; id++) {
            kitchen.send(call(id, "patient___hang", "{}"));
            kitchen.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + id
                    + ",\"reason\":\"user gave up\"}}");
        }
        Await.until(vertx, () -> calls("patient") >= before + CALLS);

        assertThat(text(hall.exchange(call(1, "patient___echo", "{\"text\":\"still here\"}"))))
                .isEqualTo("still here");
        assertThat(circuitOpen("patient")).isZero();
        assertThat(calls("patient", "cancelled")).isEqualTo(CALLS);
    }

    private static TestSocket ready(Vertx vertx, String token, String target) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(token));
        device.initialize("2025-06-18");
        Await.until(vertx, () -> device.exchange(listTools("\"list\"")).at("/result/tools").toString()
                .contains(target + "___echo"));
        return device;
    }

    private static double circuitOpen(String target) {
        Gauge gauge = relay.node().metrics().registry().find("relay.target.circuit.open").tag("target", target)
                .gauge();
        assertThat(gauge).as("circuit gauge of " + target).isNotNull();
        return gauge.value();
    }

    /** Every ended call of a target, whatever its outcome. */
    private static double calls(String target) {
        return relay.node().metrics().registry().find("relay.tool.calls").tag("target", target).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static double calls(String target, String outcome) {
        Counter counter = relay.node().metrics().registry().find("relay.tool.calls")
                .tags("target", target, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
