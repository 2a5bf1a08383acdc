package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileStdioServer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "its stdout is queued without backpressure (16 Mi chars a line)": a stdio server could make the relay
 * hold a line of 16 Mi characters (32 MB) per answer before dropping it, and its calls then ran into their deadline.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class OverlongOutputAttackTest {

    private static final String EVALUATE = "{\"expression\":\"1+2\"}";

    @TempDir
    Path stateDir;

    /**
     * Verifies that a stdout line over the target's bound fails its call at once and costs nothing else.
     * GIVEN a stdio server answering {@code long} with a 2 MiB line, behind {@code maxResponseBytes: 64KiB} and a
     * 30 s deadline, and a calculator
     * WHEN a device calls {@code long} three times
     * THEN each call fails at once saying the answer is over the bound, the drop is logged once, the server keeps its
     * process and answers {@code fair}, and the calculator answers throughout.
     */
    @Test
    void dropsAnOverlongLineAndFailsItsCall(Vertx vertx) throws Exception {
        String targets = """
                loud: %s
                calculator: {type: builtin, builtin: calculator}
                """.formatted(HostileStdioServer.target("long", "timeout: 30s, maxResponseBytes: 64KiB"));
        try (LogCapture logs = LogCapture.start(); TestRelay relay = TestRelay.start(ConfigLoader.parse(
                TestRelay.withTargets(stateDir, targets), stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            Await.until(vertx, 30_000, () -> device.exchange(Requests.listTools("\"l\"")).at("/result/tools")
                    .size() == 3);
            long started = System.nanoTime();

            for (int i = 1; i <= 3; i++) {
                assertThat(text(device.exchange(call(i, "loud___long", "{}"))))
                        .isEqualTo("loud answered with an error: its answer is over the limit of 65536 bytes");
                assertThat(text(device.exchange(call(10 + i, "calculator___evaluate", EVALUATE)))).isEqualTo("3");
            }

            assertThat(System.nanoTime() - started).isLessThan(20_000_000_000L);
            assertThat(text(device.exchange(call(20, "loud___fair", "{}")))).isEqualTo("fair ok");
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("over-long line from server dropped"))
                    .singleElement().asString().contains("target: loud", "limit: 65536 bytes");
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("server process started [target: loud,"))
                    .hasSize(1);
        }
    }
}
