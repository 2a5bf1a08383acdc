package dev.xiaozhi.relay.front.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.NodePeers;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Verifies that the MCP Inspector's command line ({@code mcpdo} of {@code @modelcontextprotocol/inspector} 2.12.0)
 * connects to the relay over Streamable HTTP and over legacy HTTP+SSE, lists and calls through it, and disconnects.
 * {@code mcpdo} keeps its connections in a background daemon: its catalog, daemon folder and home are a temporary
 * folder's, and the test stops the daemon it started.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class InspectorCliIT {

    private static final long COMMAND_SECONDS = 60;

    /**
     * Verifies the Inspector's whole round, over Streamable HTTP and over legacy HTTP+SSE: connect, list, call,
     * disconnect.
     * GIVEN a relay with the calculator and diagnostics targets; WHEN {@code mcpdo} connects to its {@code /mcp} (or
     * {@code /sse}) with the device's bearer token, lists the tools as JSON and calls {@code diagnostics___echo}; THEN
     * it sees the relay's catalog and the echo, and disconnects cleanly.
     */
    @ParameterizedTest
    @CsvSource({"http, /mcp", "sse, /sse"})
    void listsAndCallsThroughTheRelay(String transport, String path, @TempDir Path stateDir, @TempDir Path home)
            throws Exception {
        Path mcpdo = NodePeers.inspectorCli();
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            String url = "http://127.0.0.1:" + relay.port() + path;
            Cli cli = new Cli(mcpdo, home);
            try {
                Run connected = cli.run("connect", "--transport", transport, url, "--header",
                        "Authorization: Bearer " + TestRelay.TOKEN);
                assertThat(connected.exit()).as(connected.toString()).isZero();
                assertThat(connected.out()).contains(url);

                Run listed = cli.run("--format", "json", "tools/list", "--connection", url);
                assertThat(listed.exit()).as(listed.toString()).isZero();
                List<String> names = new ArrayList<>();
                Json.parse(listed.out()).path("tools").forEach(tool -> names.add(tool.path("name").asText()));
                assertThat(names).contains("diagnostics___echo", "calculator___evaluate");

                Run called = cli.run("--format", "json", "tools/call", "--connection", url, "diagnostics___echo",
                        "{\"text\":\"through the relay\"}");
                assertThat(called.exit()).as(called.toString()).isZero();
                JsonNode result = Json.parse(called.out());
                assertThat(result.at("/content/0/text").asText()).isEqualTo("through the relay");
                assertThat(result.path("isError").asBoolean()).isFalse();

                Run disconnected = cli.run("disconnect", "--connection", url);
                assertThat(disconnected.exit()).as(disconnected.toString()).isZero();
                assertThat(disconnected.out()).contains("Disconnected");
            } finally {
                cli.stopDaemon();
            }
        }
    }

    /** What one {@code mcpdo} command did. */
    private record Run(int exit, String out, String err) {

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** {@code mcpdo} with its catalog, daemon and home in a folder of its own, and no secrets written anywhere. */
    private static final class Cli {

        private final Path script;
        private final Path home;

        Cli(Path script, Path home) {
            this.script = script;
            this.home = home;
        }

        Run run(String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of("node", script.toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
            Map<String, String> env = builder.environment();
            env.put("HOME", home.toString());
            env.put("MCP_CATALOG_PATH", home.resolve("mcp.json").toString());
            env.put("MCP_INSPECTOR_DAEMON_DIR", daemonDir().toString());
            env.put("MCP_INSPECTOR_SECRET_STORE", "memory");
            env.put("NO_COLOR", "1");
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            String out = read(process.getInputStream());
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("mcpdo " + String.join(" ", args) + " did not end within "
                        + COMMAND_SECONDS + " s");
            }
            return new Run(process.exitValue(), out, err.get(COMMAND_SECONDS, TimeUnit.SECONDS));
        }

        /** Asks the daemon to stop, then makes sure its process, named in its lock file, is gone. */
        void stopDaemon() throws Exception {
            Optional<ProcessHandle> daemon = daemon();
            run("daemon", "stop");
            if (daemon.isPresent()) {
                try {
                    daemon.get().onExit().get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    daemon.get().destroyForcibly();
                }
            }
        }

        private Optional<ProcessHandle> daemon() throws Exception {
            Path lock = daemonDir().resolve("mcpdod.lock");
            if (!Files.exists(lock)) {
                return Optional.empty();
            }
            String pid = Files.readString(lock, StandardCharsets.UTF_8).trim();
            return pid.matches("\\d{1,10}") ? ProcessHandle.of(Long.parseLong(pid)) : Optional.empty();
        }

        private Path daemonDir() {
            return home.resolve("daemon");
        }

        private static String read(InputStream in) {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
