package dev.xiaozhi.relay.cli;

import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud.Connection;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud;
import dev.xiaozhi.relay.support.RelayProcess;
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

/** Verifies the mcp_pipe.py drop-in mode of the jar against a fake Xiaozhi cloud. */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class PipeModeIT {

    /** How long the bridge and its child JVMs may take to start on a busy machine before the pipe is dialled. */
    private static final long CHILDREN_READY_MS = 60_000;

    /**
     * Verifies that {@code MCP_ENDPOINT=… pipe --mcp-config mcp_config.json} serves the file's stdio server on one
     * socket, answers a call, and leaves cleanly on SIGTERM without the token in its output, all on one event loop.
     */
    @Test
    void servesAnMcpConfigOnTheAgentsEndpoint(Vertx vertx, @TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(dir.resolve("mcp_config.json"), """
                {"mcpServers": {"calculator": {"type": "stdio", "command": "%s",
                  "args": ["-jar", "%s", "stdio-calculator"]}}}
                """.formatted(java, RelayProcess.jar().toAbsolutePath()));
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                RelayProcess pipe = RelayProcess.start(Map.of("MCP_ENDPOINT", cloud.endpoint("agent-secret-jwt")),
                        "pipe", "--mcp-config", dir.resolve("mcp_config.json").toString())) {
            Await.until(vertx, CHILDREN_READY_MS, () -> cloud.connections("agent-secret-jwt").size() == 1);
            Connection connection = cloud.connections("agent-secret-jwt").get(0);

            assertThat(connection.next().at("/result/protocolVersion").asText()).isEqualTo("2024-11-05");
            assertThat(connection.next().at("/result/tools/0/name").asText()).isEqualTo("evaluate");
            connection.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"evaluate\",\"arguments\":{\"expression\":\"2+2\"}}}");
            assertThat(text(connection.next())).isEqualTo("4");

            pipe.terminate();
            assertThat(pipe.awaitExit()).isZero();
            assertThat(pipe.stderr()).contains("pipe connected").doesNotContain("agent-secret-jwt");
            assertThat(threadOf(pipe.stderr(), "pipe connected"))
                    .isEqualTo(threadOf(pipe.stderr(), "target started [target: calculator"));
            assertThat(cloud.connections("agent-secret-jwt")).hasSize(1);
        }
    }

    /**
     * Verifies that the cloud sees the tool names {@code mcp_pipe.py} showed it: with two servers whose tools do not
     * clash, no name is prefixed with its server's, and each answers under that name.
     *
     * <p>GIVEN an mcp_config.json with {@code calc} (tool {@code evaluate}) and {@code diag} (tools {@code echo},
     * {@code sleep}), two stdio servers; WHEN {@code pipe} connects to the cloud; THEN the cloud's tools/list holds
     * {@code evaluate}, {@code echo} and {@code sleep}, and calls by those names are answered.
     */
    @Test
    void showsTheCloudTheToolNamesMcpPipeShowed(Vertx vertx, @TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = RelayProcess.jar().toAbsolutePath().toString();
        Files.writeString(dir.resolve("mcp_config.json"), """
                {"mcpServers": {
                  "calc": {"command": "%1$s", "args": ["-jar", "%2$s", "stdio-builtin", "--builtin", "calculator"]},
                  "diag": {"command": "%1$s", "args": ["-jar", "%2$s", "stdio-builtin", "--builtin", "diagnostics"]}
                }}
                """.formatted(java, jar));
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx);
                RelayProcess pipe = RelayProcess.start(Map.of("MCP_ENDPOINT", cloud.endpoint("agent-jwt")),
                        "pipe", "--mcp-config", dir.resolve("mcp_config.json").toString())) {
            Await.until(vertx, CHILDREN_READY_MS, () -> cloud.connections("agent-jwt").size() == 1);
            Connection connection = cloud.connections("agent-jwt").get(0);
            connection.next();
            List<String> names = new ArrayList<>();
            connection.next().at("/result/tools").forEach(tool -> names.add(tool.get("name").asText()));
            connection.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"evaluate\",\"arguments\":{\"expression\":\"6*7\"}}}");
            String evaluated = text(connection.next());
            connection.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"echo\",\"arguments\":{\"text\":\"both\"}}}");
            String echoed = text(connection.next());

            assertThat(names).containsExactlyInAnyOrder("evaluate", "echo", "sleep");
            assertThat(evaluated).isEqualTo("42");
            assertThat(echoed).isEqualTo("both");
        }
    }

    /** The thread of the bridge's own first log line that contains {@code text} (not a server's stderr). */
    private static String threadOf(String log, String text) {
        return log.lines().filter(line -> line.contains(text) && !line.contains("server stderr")).findFirst()
                .map(line -> line.substring(line.indexOf('[') + 1, line.indexOf(']')))
                .orElseThrow(() -> new AssertionError("no log line with " + text + " in:\n" + log));
    }
}
