package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileMcpServer;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #4: an {@code http} target answered HTTP 500 with a 600 MB body, and the relay read it whole
 * ({@code maxResponseBytes} did not apply to errors) until it died of OutOfMemoryError.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class HugeErrorBodyAttackTest {

    private static final int BODY_BYTES = 32 * 1024 * 1024;
    private static final int CHUNK_BYTES = 64 * 1024;

    @TempDir
    Path stateDir;

    /**
     * Verifies that an error body is read only up to the bound, then the connection is dropped.
     * GIVEN an http target with {@code maxResponseBytes: 64KiB} whose tools/call answers HTTP 500 with a 32 MB body,
     * written only as fast as the relay reads it
     * WHEN a device calls the tool
     * THEN the call fails at once with the start of the body, the relay closes the connection long before the body
     * ends, and the next call works.
     */
    @Test
    void readsErrorBodiesOnlyUpToTheBound(Vertx vertx) throws Exception {
        AtomicLong written = new AtomicLong();
        Promise<Long> closed = Promise.promise();
        HostileMcpServer server = HostileMcpServer.start(vertx).on("tools/call", (request, id, message) -> {
            if ("fair".equals(message.at("/params/name").asText())) {
                HostileMcpServer.json(request, "{\"jsonrpc\":\"2.0\",\"id\":" + id
                        + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"fair ok\"}]}}");
                return;
            }
            HttpServerResponse response = request.response().setStatusCode(500).setChunked(true);
            request.connection().closeHandler(v -> closed.tryComplete(written.get()));
            response.write("boom: the backend fell over ");
            HostileMcpServer.flood(response, Buffer.buffer(new byte[CHUNK_BYTES]), BODY_BYTES, written);
        }).on("tools/list", (request, id, message) -> HostileMcpServer.json(request, "{\"jsonrpc\":\"2.0\",\"id\":"
                + id + ",\"result\":{\"tools\":[" + HostileMcpServer.tool("fair") + "," + HostileMcpServer.tool("flood")
                + "]}}"));
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(TestRelay.withTargets(stateDir, """
                big: {type: http, url: "%s", maxResponseBytes: 64KiB, timeout: 10s, breaker: {maxFailures: 100}}
                """.formatted(server.url())), stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            Await.until(vertx, () -> device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}")
                    .at("/result/tools").size() == 2);

            long started = System.nanoTime();
            JsonNode failed = device.exchange(call(1, "big___flood", "{}"));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            long writtenWhenClosed = closed.future().await(10, TimeUnit.SECONDS);

            assertThat(failed.at("/result/isError").asBoolean()).isTrue();
            assertThat(text(failed)).startsWith("big failed: HTTP 500: boom: the backend fell over");
            assertThat(tookMs).isLessThan(5_000);
            assertThat(writtenWhenClosed).isLessThan(BODY_BYTES / 2);
            assertThat(text(device.exchange(call(2, "big___fair", "{}")))).isEqualTo("fair ok");
        } finally {
            server.close();
        }
    }
}
