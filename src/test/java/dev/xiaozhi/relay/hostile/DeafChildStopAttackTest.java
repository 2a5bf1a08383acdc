package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileStdioServer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import dev.xiaozhi.relay.upstream.stdio.StdioToolClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #8: a stdio child stopped reading stdin, and then the relay was told to stop: the stop queued behind the
 * blocked write, no TERM was ever sent, the relay gave up after 16 s and the child lived on with parent PID 1.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class DeafChildStopAttackTest {

    private static final Pattern STARTED = Pattern.compile("server process started \\[target: deaf, pid: (\\d+)]");
    private static final int CALLS = 20;
    private static final int ARGUMENT_CHARS = 100 * 1024;

    @TempDir
    Path stateDir;

    /**
     * Verifies that stopping ends a child's own children too.
     * GIVEN a stdio server that starts a child of its own ({@code sleep 1000}), lists its tool and never reads stdin
     * again, and calls written to it
     * WHEN the relay stops
     * THEN it stops within the stop grace, and neither the server nor its child lives.
     */
    @Test
    void stopsTheChildsOwnChildrenToo(Vertx vertx) throws Exception {
        List<ProcessHandle> family = new ArrayList<>();
        try (LogCapture logs = LogCapture.start()) {
            TestRelay relay = TestRelay.start(ConfigLoader.parse("""
                    node: {stateDir: %s}
                    server: {host: 127.0.0.1, port: 0, instances: 1}
                    admin: {port: 0}
                    targets:
                      deaf: %s
                    tenants:
                      acme: {devices: {kitchen: {tokenHash: "%s"}}}
                    """.formatted(stateDir, HostileStdioServer.target("forking", "timeout: 2s"),
                    TokenHash.ofPlain(TestRelay.TOKEN)), stateDir, Map.of()));
            try {
                TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
                device.initialize("2025-06-18");
                Await.until(vertx, 30_000, () -> device.exchange(Requests.listTools("\"l\"")).at("/result/tools")
                        .size() == 1);
                ProcessHandle child = lastStarted(logs).orElseThrow();
                family.add(child);
                Await.until(vertx, () -> child.descendants().findAny().isPresent());
                family.addAll(child.descendants().toList());
                String argument = "{\"text\":" + Json.quote("x".repeat(ARGUMENT_CHARS)) + "}";
                for (int i = 0; i < CALLS; i++) {
                    device.send(call(i, "deaf___forking", argument));
                }
            } finally {
                long started = System.nanoTime();
                relay.close();
                long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertThat(stopMs).isLessThan(StdioToolClient.STOP_GRACE_MS + 5_000);
            }
            assertThat(family).hasSizeGreaterThanOrEqualTo(2);
            Await.until(vertx, 5_000, () -> family.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            family.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Verifies that stopping never waits behind a write to a child that does not read.
     * GIVEN a stdio server that lists its tool and then never reads stdin again, and 2 MB of calls written to it
     * WHEN the relay stops
     * THEN it stops within the stop grace, and the child is gone.
     */
    @Test
    void stopsAChildThatStoppedReading(Vertx vertx) throws Exception {
        Optional<ProcessHandle> child = Optional.empty();
        try (LogCapture logs = LogCapture.start()) {
            TestRelay relay = TestRelay.start(ConfigLoader.parse("""
                    node: {stateDir: %s}
                    server: {host: 127.0.0.1, port: 0, instances: 1}
                    admin: {port: 0}
                    targets:
                      deaf: %s
                    tenants:
                      acme: {devices: {kitchen: {tokenHash: "%s"}}}
                    """.formatted(stateDir, HostileStdioServer.target("deaf", "timeout: 2s"),
                    TokenHash.ofPlain(TestRelay.TOKEN)), stateDir, Map.of()));
            try {
                TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
                device.initialize("2025-06-18");
                Await.until(vertx, 30_000, () -> device.exchange(Requests.listTools("\"l\"")).at("/result/tools")
                        .size() == 1);
                child = lastStarted(logs);
                assertThat(child).isPresent();
                String argument = "{\"text\":" + Json.quote("x".repeat(ARGUMENT_CHARS)) + "}";
                for (int i = 0; i < CALLS; i++) {
                    device.send(call(i, "deaf___deaf", argument));
                }
                device.nextResponse();
            } finally {
                long started = System.nanoTime();
                relay.close();
                long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertThat(stopMs).isLessThan(StdioToolClient.STOP_GRACE_MS + 5_000);
            }
            assertThat(child.get().isAlive()).isFalse();
        } finally {
            child.ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** The server process started last, if it still runs. */
    private static Optional<ProcessHandle> lastStarted(LogCapture logs) {
        return logs.lines().stream().map(STARTED::matcher).filter(Matcher::find).reduce((first, last) -> last)
                .flatMap(found -> ProcessHandle.of(Long.parseLong(found.group(1))));
    }
}
