package dev.xiaozhi.relay.upstream;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the bounds a target verticle puts around its client: slots, queue, deadline and circuit breaker. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class TargetLimitsTest {

    /**
     * Verifies that calls beyond the free slots wait in the queue, calls beyond the queue are refused as busy at
     * once, a target that hangs hits its deadline until its circuit opens and then fails fast, and another target
     * is not affected by any of it.
     */
    @Test
    void boundsSlotsQueueDeadlineAndCircuit(Vertx vertx, @TempDir Path stateDir) throws Exception {
        String yaml = TestRelay.withTargets(stateDir, """
                narrow: {type: builtin, builtin: diagnostics, maxConcurrent: 1, maxQueued: 1}
                hang:
                  type: builtin
                  builtin: diagnostics
                  timeout: 300ms
                  breaker: {maxFailures: 2, resetTimeout: 1m}
                calculator: {type: builtin, builtin: calculator}
                """);
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2024-11-05");

            // WHEN three calls meet one slot and one queue place
            for (int id = 1; id <= 3; id++) {
                device.send(call(id, "narrow___sleep", "{\"ms\":300}"));
            }
            Map<Integer, String> answers = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                JsonNode reply = device.nextResponse();
                answers.put(reply.get("id").asInt(), text(reply));
            }

            // THEN the first runs, the second waits its turn, the third is refused at once
            assertThat(answers.get(1)).isEqualTo("slept 300 ms");
            assertThat(answers.get(2)).isEqualTo("slept 300 ms");
            assertThat(answers.get(3)).isEqualTo("narrow is busy (1 calls in flight, 1 waiting); try again shortly");

            // WHEN a target hangs, THEN its calls end at the deadline until the circuit opens and fails fast
            assertThat(text(device.exchange(call(4, "hang___sleep", "{\"ms\":60000}"))))
                    .isEqualTo("hang did not answer within 300 ms");
            assertThat(text(device.exchange(call(5, "hang___sleep", "{\"ms\":60000}"))))
                    .isEqualTo("hang did not answer within 300 ms");
            assertThat(text(device.exchange(call(6, "hang___echo", "{\"text\":\"x\"}"))))
                    .isEqualTo("hang is unavailable after repeated failures; try again in a little while");
            assertThat(text(device.exchange(call(7, "calculator___evaluate", "{\"expression\":\"2+2\"}"))))
                    .isEqualTo("4");
        }
    }

    /**
     * Verifies that a call waiting for a slot is answered at its own deadline, not once the calls before it are
     * done: GIVEN one slot and a 1 s deadline; WHEN a call that hangs runs, and three more arrive 0.4 s later; THEN
     * the first ends at 1 s and the second runs then, to its own deadline at 2 s; the two still waiting at 1.4 s end
     * then, before the second, as having waited for a slot.
     */
    @Test
    void answersWaitingCallsAtTheirOwnDeadline(Vertx vertx, @TempDir Path stateDir) throws Exception {
        String yaml = TestRelay.withTargets(stateDir, """
                one:
                  type: builtin
                  builtin: diagnostics
                  timeout: 1s
                  maxConcurrent: 1
                  breaker: {maxFailures: 10, resetTimeout: 1m}
                """);
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2024-11-05");

            device.send(call(1, "one___sleep", "{\"ms\":60000}"));
            Thread.sleep(400);
            for (int id = 2; id <= 4; id++) {
                device.send(call(id, "one___sleep", "{\"ms\":60000}"));
            }
            List<Integer> order = new ArrayList<>();
            Map<Integer, String> answers = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                JsonNode reply = device.nextResponse();
                order.add(reply.get("id").asInt());
                answers.put(reply.get("id").asInt(), text(reply));
            }

            assertThat(order).last().isEqualTo(2);
            assertThat(answers.get(1)).isEqualTo("one did not answer within 1 s");
            assertThat(answers.get(2)).isEqualTo("one did not answer within 1 s");
            assertThat(answers.get(3)).isEqualTo("one did not answer within 1 s (all slots were busy)");
            assertThat(answers.get(4)).isEqualTo(answers.get(3));
        }
    }
}
