package dev.xiaozhi.relay.upstream.stdio;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.RelayProcess;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies stdio targets against real MCP server processes: the relay's own stdio servers, run as children. */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class StdioTargetIT {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static String yaml(Path stateDir) {
        String jar = RelayProcess.jar().toAbsolutePath().toString();
        String noisyScript = "printf 'garbage\\n\\377\\376 not json\\n'; exec " + JAVA + " -jar " + jar
                + " stdio-calculator";
        return """
                node: {stateDir: %1$s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                  calc: {type: stdio, command: %2$s, args: [-jar, %3$s, stdio-calculator]}
                  slow:
                    type: stdio
                    command: %2$s
                    args: [-jar, %3$s, stdio-builtin, --builtin, diagnostics]
                    timeout: 20s
                    breaker: {maxFailures: 1000}
                  noisy:
                    type: stdio
                    command: sh
                    args: [-c, %6$s]
                  broken: {type: stdio, command: /bin/false}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%4$s"}, hall: {tokenHash: "%5$s"}}}
                """.formatted(stateDir, JAVA, jar, TokenHash.ofPlain(TestRelay.TOKEN),
                TokenHash.ofPlain(TestRelay.LIMITED_TOKEN), Json.quote(noisyScript));
    }

    /**
     * Verifies the whole life of stdio targets: tools of every healthy server in the catalog (none from the broken
     * one, garbage on stdout skipped), calls with colliding ids from two devices, a kill -9 mid-call failing that
     * call at once and a restart serving the next, and no child process left after stop.
     */
    @Test
    void servesSupervisesAndStopsStdioServers(Vertx vertx, @TempDir Path stateDir) throws Exception {
        List<ProcessHandle> children;
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir), stateDir, Map.of()))) {
            TestSocket kitchen = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            TestSocket hall = TestSocket.connect(vertx, relay.url(TestRelay.LIMITED_TOKEN));
            kitchen.initialize("2024-11-05");
            hall.initialize("2025-06-18");
            Await.until(vertx, () -> toolNames(kitchen).size() == 4);

            // THEN every healthy server's tools are listed, the broken one contributes none
            assertThat(toolNames(kitchen)).containsExactly("calc___evaluate", "noisy___evaluate", "slow___echo",
                    "slow___sleep");
            assertThat(text(kitchen.exchange(call(1, "noisy___evaluate", "{\"expression\":\"6*7\"}"))))
                    .isEqualTo("42");

            // WHEN two devices use the same id at once, THEN each gets its own answer
            kitchen.send(call(1, "slow___sleep", "{\"ms\":700}"));
            hall.send(call(1, "slow___sleep", "{\"ms\":300}"));
            assertThat(text(hall.nextResponse())).isEqualTo("slept 300 ms");
            assertThat(text(kitchen.nextResponse())).isEqualTo("slept 700 ms");

            // WHEN the server is killed mid-call, THEN the call fails at once and a restarted server answers later
            kitchen.send(call(2, "slow___sleep", "{\"ms\":15000}"));
            assertThat(text(kitchen.exchange(call(3, "calc___evaluate", "{\"expression\":\"1+1\"}")))).isEqualTo("2");
            ProcessHandle slow = child("diagnostics");
            long killedAt = System.nanoTime();
            slow.destroyForcibly();
            JsonNode failed = kitchen.nextResponse();
            assertThat((System.nanoTime() - killedAt) / 1_000_000).isLessThan(3_000);
            assertThat(failed.at("/result/isError").asBoolean()).isTrue();
            assertThat(text(failed)).startsWith("slow failed: slow stopped unexpectedly");
            assertThat(toolNames(kitchen)).as("the last good tools stay listed").hasSize(4);
            int[] id = {10};
            Await.until(vertx, () -> !text(exchange(kitchen, call(id[0]++, "slow___echo", "{\"text\":\"back\"}")))
                    .contains("restarting"));
            assertThat(text(kitchen.exchange(call(99, "slow___echo", "{\"text\":\"back\"}")))).isEqualTo("back");
            children = ProcessHandle.current().descendants().toList();
            assertThat(children).isNotEmpty();
        }

        // THEN no server process outlives the relay
        assertThat(children).noneMatch(ProcessHandle::isAlive);
    }

    private static ProcessHandle child(String marker) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(marker))
                .findFirst().orElseThrow();
    }

    private static List<String> toolNames(TestSocket device) {
        List<String> names = new ArrayList<>();
        exchange(device, "{\"jsonrpc\":\"2.0\",\"id\":\"list\",\"method\":\"tools/list\"}").at("/result/tools")
                .forEach(tool -> names.add(tool.get("name").asText()));
        return names;
    }

    private static JsonNode exchange(TestSocket device, String request) {
        try {
            return device.exchange(request);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
