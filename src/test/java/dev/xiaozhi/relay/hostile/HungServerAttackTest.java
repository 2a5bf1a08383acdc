package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileMcpServer;
import dev.xiaozhi.relay.support.HostileStdioServer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "a stdio server that stays alive but stops answering is never restarted": a server that still runs and
 * reads but answers nothing held its target dead for good, its calls all running into their deadline. A server that
 * is only slow, though, must keep running: other devices' calls on it are under way.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class HungServerAttackTest {

    private static final String EVALUATE = "{\"expression\":\"1+2\"}";

    @TempDir
    Path stateDir;
    private LogCapture logs;

    @BeforeEach
    void start() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stop() {
        logs.close();
    }

    /**
     * Verifies that a hung stdio server is restarted and a slow one is not.
     * GIVEN a stdio server that goes silent on {@code hang} (reads on, answers nothing, not even {@code ping}), one
     * whose {@code slow} takes 8 s while it answers {@code ping} at once, both with a 5 s deadline and a 1 s ping
     * timeout, and a calculator
     * WHEN a device calls {@code hang} and {@code slow}
     * THEN both run out of time; the hung server is stopped and a new process serves {@code fair}, the slow one keeps
     * its process and serves {@code fair} at once; the calculator answered throughout.
     */
    @Test
    void restartsAHungServerButNotASlowOne(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(TestRelay.withTargets(stateDir, """
                hung: %s
                slow: %s
                calculator: {type: builtin, builtin: calculator}
                """.formatted(HostileStdioServer.target("hang", "timeout: 5s, pingTimeout: 1s"),
                HostileStdioServer.target("slow", "timeout: 5s, pingTimeout: 1s"))),
                stateDir, Map.of()))) {
            TestSocket device = connected(vertx, relay, 5);
            long hungPid = pids("hung").get(pids("hung").size() - 1);
            long ready = readyCount("hung");
            long slowPid = pids("slow").get(pids("slow").size() - 1);

            device.send(call(1, "hung___hang", "{}")).send(call(2, "slow___slow", "{}"));
            assertThat(text(device.exchange(call(3, "calculator___evaluate", EVALUATE)))).isEqualTo("3");
            assertThat(text(device.nextResponse())).contains("did not answer within 5 s");
            assertThat(text(device.nextResponse())).contains("did not answer within 5 s");
            assertThat(text(device.exchange(call(4, "calculator___evaluate", EVALUATE)))).isEqualTo("3");

            Await.until(vertx, 30_000, () -> readyCount("hung") == ready + 1);
            assertThat(pids("hung")).hasSizeGreaterThan(pids("hung").indexOf(hungPid) + 1);
            assertThat(logs.lines()).anyMatch(line -> line.startsWith("server answers no ping, dropping it "
                    + "[target: hung,"));
            Await.until(vertx, () -> ProcessHandle.of(hungPid).filter(ProcessHandle::isAlive).isEmpty());
            assertThat(text(device.exchange(call(5, "hung___fair", "{}")))).isEqualTo("fair ok");
            Await.until(vertx, () -> logs.lines().stream().anyMatch(line -> line.startsWith(
                    "call ran out of time, server answers ping [target: slow]")));
            vertx.timer(HostileStdioServer.SLOW_MS, TimeUnit.MILLISECONDS).await();
            assertThat(text(device.exchange(call(6, "slow___fair", "{}")))).isEqualTo("fair ok");
            assertThat(pids("slow")).endsWith(slowPid);
            assertThat(logs.lines()).noneMatch(line -> line.contains("dropping it [target: slow"));
            assertThat(text(device.exchange(call(7, "calculator___evaluate", EVALUATE)))).isEqualTo("3");
        }
    }

    /**
     * Verifies that a hung http server gets a new session.
     * GIVEN an http server that answers neither {@code hang} nor {@code ping}, with a 3 s deadline and a 1 s ping
     * timeout
     * WHEN a device calls {@code hang}
     * THEN the call runs out of time, the relay initializes the server again, and {@code fair} answers.
     */
    @Test
    void reconnectsAHungHttpServer(Vertx vertx) throws Exception {
        try (HostileMcpServer server = HostileMcpServer.start(vertx)
                .on("ping", (request, id, message) -> { })
                .on("tools/call", (request, id, message) -> {
                    if ("fair".equals(message.at("/params/name").asText())) {
                        HostileMcpServer.json(request, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":"
                                + "{\"content\":[{\"type\":\"text\",\"text\":\"fair ok\"}]}}");
                    }
                })
                .on("tools/list", (request, id, message) -> HostileMcpServer.json(request, "{\"jsonrpc\":\"2.0\","
                        + "\"id\":" + id + ",\"result\":{\"tools\":[" + HostileMcpServer.tool("fair") + ","
                        + HostileMcpServer.tool("hang") + "]}}"));
                TestRelay relay = TestRelay.start(ConfigLoader.parse(TestRelay.withTargets(stateDir, """
                        hung: {type: http, url: "%s", timeout: 3s, pingTimeout: 1s}
                        calculator: {type: builtin, builtin: calculator}
                        """.formatted(server.url())), stateDir,
                        Map.of()))) {
            TestSocket device = connected(vertx, relay, 3);
            int initialized = server.requests("initialize");
            long ready = readyCount("hung");

            assertThat(text(device.exchange(call(1, "hung___hang", "{}")))).contains("did not answer within 3 s");
            assertThat(text(device.exchange(call(2, "calculator___evaluate", EVALUATE)))).isEqualTo("3");

            Await.until(vertx, 30_000, () -> readyCount("hung") == ready + 1);
            assertThat(server.requests("initialize")).isEqualTo(initialized + 1);
            assertThat(server.requests("ping")).isEqualTo(1);
            assertThat(text(device.exchange(call(3, "hung___fair", "{}")))).isEqualTo("fair ok");
        }
    }

    private static TestSocket connected(Vertx vertx, TestRelay relay, int tools) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize("2025-06-18");
        Await.until(vertx, 30_000, () -> device.exchange(Requests.listTools("\"l\"")).at("/result/tools").size()
                == tools);
        return device;
    }

    /** How often a target's server became ready so far. */
    private long readyCount(String target) {
        return logs.lines().stream().filter(line -> line.startsWith("server ready [target: " + target + ",")).count();
    }

    /** The process ids a target's server ran under so far, in order. */
    private List<Long> pids(String target) {
        Pattern started = Pattern.compile("server process started \\[target: " + target + ", pid: (\\d+)]");
        return logs.lines().stream().map(started::matcher).filter(Matcher::find)
                .map(found -> Long.parseLong(found.group(1))).toList();
    }
}
