package dev.xiaozhi.relay.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.support.RelayProcess;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that SIGTERM drains a running relay process without losing a call. */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class DrainIT {

    private static final int DEVICES = 3;
    private static final int CALLS_PER_DEVICE = 2;

    /** Verifies that calls in flight at SIGTERM are all answered, sessions close with 1001 and the exit is 0. */
    @Test
    void answersEveryInFlightCallOnSigterm(Vertx vertx, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, TestRelay.yaml(dir, ""));
        try (RelayProcess relay = RelayProcess.start(Map.of(), "--config", config.toString())) {
            int port = relay.awaitReady()[0];
            List<TestSocket> devices = new ArrayList<>();
            for (int d = 0; d < DEVICES; d++) {
                TestSocket device = TestSocket.connect(vertx,
                        "ws://127.0.0.1:" + port + "/mcp?token=" + TestRelay.TOKEN);
                device.initialize("2024-11-05");
                for (int c = 1; c <= CALLS_PER_DEVICE; c++) {
                    device.send("{\"jsonrpc\":\"2.0\",\"id\":" + c + ",\"method\":\"tools/call\",\"params\":"
                            + "{\"name\":\"diagnostics___sleep\",\"arguments\":{\"ms\":1500}}}");
                }
                assertThat(device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}").get("id")
                        .asText()).isEqualTo("p");
                devices.add(device);
            }

            relay.terminate();

            for (TestSocket device : devices) {
                for (int c = 1; c <= CALLS_PER_DEVICE; c++) {
                    JsonNode reply = device.nextJson();
                    assertThat(reply.at("/result/content/0/text").asText()).isEqualTo("slept 1500 ms");
                    assertThat(reply.at("/result/isError").asBoolean(false)).isFalse();
                }
                assertThat(device.awaitClose()).isEqualTo((short) 1001);
            }
            assertThat(relay.awaitExit()).isZero();
            assertThat(relay.stderr()).contains("draining [sessions: " + DEVICES + "]");
        }
    }
}
