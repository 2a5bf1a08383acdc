package dev.xiaozhi.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.RelayProcess;
import dev.xiaozhi.relay.support.TestRelay;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the jar's commands as a user runs them. */
@Timeout(120)
class CommandLineIT {

    /** Verifies that check-config accepts the default config and refuses a bad one with the key path. */
    @Test
    void checksConfigurations(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "targets:\n  calc:\n    type: rocket\n");

        try (RelayProcess good = RelayProcess.start(Map.of(), "check-config");
                RelayProcess wrong = RelayProcess.start(Map.of(), "check-config", "--config", bad.toString())) {
            assertThat(good.awaitExit()).isZero();
            assertThat(new String(good.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("conf/relay.yaml: ok");
            assertThat(wrong.awaitExit()).isEqualTo(2);
            assertThat(wrong.stderr()).contains("targets.calc.type: expected one of");
        }
    }

    /** Verifies that probe lists a running relay's catalog and calls a tool, over WebSocket and Streamable HTTP. */
    @Test
    void probesARunningRelay(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, TestRelay.yaml(dir, ""));
        try (RelayProcess relay = RelayProcess.start(Map.of(), "--config", config.toString())) {
            int port = relay.awaitReady()[0];
            String url = "ws://127.0.0.1:" + port + "/mcp?token=" + TestRelay.TOKEN;

            try (RelayProcess probe = RelayProcess.start(Map.of(), "probe", url, "--call", "calculator___evaluate",
                    "--args", "{\"expression\":\"sqrt(16) + 2**3\"}")) {
                String out = new String(probe.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(probe.awaitExit()).as(probe.stderr()).isZero();
                assertThat(out).contains("connected: xiaozhi-relay").contains("calculator___evaluate")
                        .contains("3 tools").contains("result:").contains("  12");
            }
            try (RelayProcess refused = RelayProcess.start(Map.of(), "probe",
                    "ws://127.0.0.1:" + port + "/mcp?token=xzr_wrong")) {
                assertThat(refused.awaitExit()).isEqualTo(1);
                assertThat(refused.stderr()).contains("unauthorized");
            }
            try (RelayProcess probe = RelayProcess.start(Map.of(), "probe",
                    "http://127.0.0.1:" + port + "/mcp?token=" + TestRelay.TOKEN, "--call", "calculator___evaluate",
                    "--args", "{\"expression\":\"sqrt(16) + 2**3\"}");
                    RelayProcess refused = RelayProcess.start(Map.of(), "probe",
                            "http://127.0.0.1:" + port + "/mcp?token=xzr_wrong")) {
                String out = new String(probe.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(probe.awaitExit()).as(probe.stderr()).isZero();
                assertThat(out).contains("connected: xiaozhi-relay").contains("protocol 2025-06-18")
                        .contains("3 tools").contains("  12");
                assertThat(refused.awaitExit()).isEqualTo(1);
                assertThat(refused.stderr()).containsIgnoringCase("unauthorized");
            }
        }
    }

    /** Verifies that stdio-calculator is a working MCP server on stdin and stdout. */
    @Test
    void servesTheCalculatorOverStdio() throws Exception {
        try (RelayProcess calculator = RelayProcess.start(Map.of(), "stdio-calculator")) {
            Writer in = new OutputStreamWriter(calculator.process().getOutputStream(), StandardCharsets.UTF_8);
            in.write("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\"}}}\n");
            in.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
            in.write("not json\n");
            in.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n");
            in.write("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"evaluate\","
                    + "\"arguments\":{\"expression\":\"max(3, 9) - 1\"}}}\n");
            in.close();
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(calculator.process().getInputStream(), StandardCharsets.UTF_8));

            assertThat(out.readLine()).contains("\"id\":0").contains("\"protocolVersion\":\"2025-06-18\"");
            assertThat(out.readLine()).contains("-32700");
            assertThat(out.readLine()).contains("\"id\":1").contains("\"name\":\"evaluate\"");
            assertThat(out.readLine()).contains("\"id\":2").contains("\"text\":\"8\"");
            assertThat(calculator.awaitExit()).isZero();
        }
    }
}
