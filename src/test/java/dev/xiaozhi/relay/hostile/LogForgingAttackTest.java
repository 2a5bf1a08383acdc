package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.common.LogFields;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.LogCapture;
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
 * Issue 11, #16: a newline in {@code clientInfo.name} wrote a forged {@code WARN} line into the relay's log.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class LogForgingAttackTest {

    private static final String FORGED = "12:00:00.000 WARN  [main] d.x.r.a.AdminServer - admin token accepted";

    @TempDir
    Path stateDir;

    /** Verifies that line breaks, terminal escapes and other control characters are escaped, the rest kept. */
    @Test
    void escapesControlCharacters() {
        assertThat(LogFields.escape("esp32\nWARN x\r\u001b[2K\t\\ü\u0085\u2028")).isEqualTo(
                "esp32\\nWARN x\\r\\u001b[2K\\t\\\\ü\\u0085\\u2028");
        assertThat(LogFields.escape("xiaozhi-esp32 1.6")).isEqualTo("xiaozhi-esp32 1.6");
    }

    /**
     * Verifies that client-controlled values reach the log on one line.
     * GIVEN a relay whose log is captured at DEBUG
     * WHEN a device initializes with a {@code clientInfo.name} holding CR/LF and a forged log line, then sends a
     * notification whose method holds one too
     * THEN no logged message contains a line break, the forged text appears escaped inside the session line, and the
     * device is served.
     */
    @Test
    void keepsClientValuesOnOneLogLine(Vertx vertx) throws Exception {
        try (LogCapture logs = LogCapture.start(); TestRelay relay = TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}}}
                """.formatted(stateDir, TokenHash.ofPlain(TestRelay.TOKEN)), stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            JsonNode initialized = device.exchange("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":"
                    + Json.quote("esp32\r\n" + FORGED) + ",\"version\":\"1\"}}}");
            device.send("{\"jsonrpc\":\"2.0\",\"method\":" + Json.quote("notifications/x\n" + FORGED) + "}");
            JsonNode unknown = device.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":" + Json.quote("nothing\n" + FORGED) + ",\"arguments\":{}}}");
            JsonNode listed = device.exchange("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");

            assertThat(initialized.at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
            assertThat(unknown.at("/error/message").asText()).startsWith("Unknown tool");
            assertThat(listed.at("/result/tools").isArray()).isTrue();
            assertThat(logs.lines()).noneMatch(line -> line.contains("\n") || line.contains("\r"));
            assertThat(logs.lines()).anyMatch(line -> line.startsWith("session initialized")
                    && line.contains("client: esp32\\r\\n12:00:00.000 WARN"));
            assertThat(logs.lines()).anyMatch(line -> line.contains("method: notifications/x\\n12:00"));
        }
    }
}
