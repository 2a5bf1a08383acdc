package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileStdioServer;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "a stdio server ... its stdout is queued without backpressure", the other way round: writes to a child
 * that stopped reading stdin piled up in the relay's memory without bound (each waiting on a worker thread).
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class UnreadInputAttackTest {

    private static final int CALLS = 60;
    private static final int ARGUMENT_CHARS = 100 * 1024;
    private static final String EVALUATE = "{\"expression\":\"1+2\"}";

    @TempDir
    Path stateDir;

    /**
     * Verifies that what waits for a child's stdin is bounded, and calls past the bound fail at once as busy.
     * GIVEN a stdio server that lists its tool and never reads stdin again, with a 60 s deadline, and a calculator
     * WHEN a device writes 6 MB of calls to it
     * THEN the calls past 4 MiB fail at once, saying the server has that much not read, and the calculator answers
     * meanwhile.
     */
    @Test
    void refusesCallsToAChildThatStoppedReading(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(TestRelay.withTargets(stateDir, """
                deaf: %s
                calculator: {type: builtin, builtin: calculator}
                """.formatted(HostileStdioServer.target("deaf", "timeout: 60s"))), stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            Await.until(vertx, 30_000, () -> device.exchange(Requests.listTools("\"l\"")).at("/result/tools")
                    .size() == 2);
            String argument = "{\"text\":" + Json.quote("x".repeat(ARGUMENT_CHARS)) + "}";

            for (int i = 0; i < CALLS; i++) {
                device.send(call(i, "deaf___deaf", argument));
            }
            // refusals come from the deaf target's context, the probes' answers from the calculator's: either may
            // come first, so probe until the refusals expected have come (or the time is up), then once more
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int busy = 0;
            for (int round = 1000; busy < CALLS - 45 && System.nanoTime() < deadline; round++) {
                busy += busyRepliesBefore(device, round);
            }
            busy += busyRepliesBefore(device, 2000);

            assertThat(busy).isBetween(CALLS - 45, CALLS - 38);
        }
    }

    /**
     * Calls the calculator with id {@code id} and reads replies up to its answer, which must be {@code 3}; the
     * replies before it must be busy refusals of the deaf server, and their number is returned.
     */
    private static int busyRepliesBefore(TestSocket device, int id) throws Exception {
        device.send(call(id, "calculator___evaluate", EVALUATE));
        int busy = 0;
        JsonNode reply = device.nextResponse();
        for (; reply.get("id").asInt() != id; reply = device.nextResponse()) {
            assertThat(text(reply)).startsWith("deaf is busy (its input holds ")
                    .endsWith(" KiB it has not read yet); try again shortly");
            busy++;
        }
        assertThat(text(reply)).isEqualTo("3");
        return busy;
    }
}
