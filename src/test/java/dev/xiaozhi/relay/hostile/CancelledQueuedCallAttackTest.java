package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.protocol.ToolResults;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileMcpServer;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "also close": a call cancelled while still queued behind a target's {@code maxConcurrent} ran anyway, so
 * a device could queue calls, cancel them, and still have every one of them reach the target.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class CancelledQueuedCallAttackTest {

    private static final int QUEUED = 5;

    @TempDir
    Path stateDir;

    /**
     * Verifies that a cancelled queued call never reaches the target.
     * GIVEN an http target with {@code maxConcurrent: 1}, its one slot held by a slow call
     * WHEN a device queues {@value #QUEUED} more calls and cancels them, queues one more, and the slow call ends
     * THEN the target receives none of the cancelled calls and the last one is answered.
     */
    @Test
    void dropsCancelledCallsFromTheQueue(Vertx vertx) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        List<Runnable> held = new CopyOnWriteArrayList<>();
        HostileMcpServer server = HostileMcpServer.start(vertx).on("tools/call", (request, id, message) -> {
            String name = message.at("/params/name").asText();
            received.add(name);
            if ("slow".equals(name)) {
                held.add(() -> answer(request, id, "slow ok"));
            } else {
                answer(request, id, name + " ok");
            }
        }).on("tools/list", (request, id, message) -> HostileMcpServer.json(request, "{\"jsonrpc\":\"2.0\",\"id\":"
                + id + ",\"result\":{\"tools\":[" + HostileMcpServer.tool("slow") + ","
                + HostileMcpServer.tool("fast") + "]}}"));
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(TestRelay.withTargets(stateDir, """
                one: {type: http, url: "%s", maxConcurrent: 1, maxQueued: 20, timeout: 20s}
                """.formatted(server.url())), stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            Await.until(vertx, () -> device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}")
                    .at("/result/tools").size() == 2);

            device.send(call(1, "one___slow", "{}"));
            Await.until(vertx, () -> held.size() == 1);
            for (int id = 2; id < 2 + QUEUED; id++) {
                device.send(call(id, "one___fast", "{}"));
            }
            for (int id = 2; id < 2 + QUEUED; id++) {
                device.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":"
                        + id + ",\"reason\":\"changed my mind\"}}");
            }
            device.send(call(100, "one___fast", "{}"));
            vertx.setTimer(300, timer -> held.get(0).run());
            JsonNode slow = device.nextResponse();
            JsonNode fair = device.nextResponse();

            assertThat(text(slow)).isEqualTo("slow ok");
            assertThat(fair.get("id").asInt()).isEqualTo(100);
            assertThat(text(fair)).isEqualTo("fast ok");
            assertThat(received).containsExactly("slow", "fast");
        } finally {
            server.close();
        }
    }

    private static void answer(HttpServerRequest request, String id, String text) {
        HostileMcpServer.json(request, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + ToolResults.text(text)
                + "}");
    }
}
