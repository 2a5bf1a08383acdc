package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileMcpServer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #6: an {@code http} target's event stream sent data without newlines; the parser rescanned its whole
 * buffer for every chunk (one event loop busy 113 s of 116 s) and the buffer grew without bound.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class EndlessEventStreamAttackTest {

    private static final int LIMIT_BYTES = 256 * 1024;
    private static final int FLOOD_BYTES = 32 * 1024 * 1024;
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int LONG_EVENT_CHARS = 3 * 1024 * 1024;

    @TempDir
    Path stateDir;
    private HostileMcpServer server;
    private LogCapture logs;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        logs = LogCapture.start();
        server = HostileMcpServer.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        logs.close();
    }

    /**
     * Verifies that the notification stream is dropped once one event outgrows the bound.
     * GIVEN an http target with {@code maxResponseBytes: 256KiB} whose GET event stream sends {@code data: x…}
     * without a newline, as fast as the relay reads, up to 32 MB
     * WHEN the relay has connected
     * THEN it closes that stream, says so once in its log (at the 256 KiB bound), and calls still work.
     */
    @Test
    void dropsAStreamWhoseEventOutgrowsTheBound(Vertx vertx) throws Exception {
        AtomicLong written = new AtomicLong();
        Promise<Long> closed = Promise.promise();
        server.onStream(request -> {
            if (!"big".equals(request.getParam("target"))) {
                request.response().setStatusCode(405).end();
                return;
            }
            request.connection().closeHandler(v -> closed.tryComplete(written.get()));
            HttpServerResponse response = request.response().putHeader("Content-Type", "text/event-stream")
                    .setChunked(true);
            response.write("data: ");
            HostileMcpServer.flood(response, Buffer.buffer("x".repeat(CHUNK_BYTES)), FLOOD_BYTES, written);
        });
        try (TestRelay relay = relay(vertx)) {
            // the stream's end is awaited, not its byte count: loopback socket buffers let the attacker write on for a
            // while after the relay stopped reading, by how much depends on the machine's load
            closed.future().await(20, TimeUnit.SECONDS);
            TestSocket device = connected(vertx, relay);

            assertThat(logs.lines()).filteredOn(line -> line.contains("event stream dropped")).hasSize(1)
                    .allMatch(line -> line.contains("target: big") && line.contains(LIMIT_BYTES + " bytes"));
            assertThat(text(device.exchange(call(1, "big___fair", "{}")))).isEqualTo("fair ok");
        }
    }

    /**
     * Verifies that parsing takes time linear in the stream.
     * GIVEN a target with the default {@code maxResponseBytes} (4 MiB) whose tools/call is answered by an event
     * stream of one 3 MiB event in 16 KiB chunks
     * WHEN a device calls it twenty times
     * THEN every call is answered, in well under a second each.
     */
    @Test
    void parsesLongEventsInLinearTime(Vertx vertx) throws Exception {
        char[] filler = new char[LONG_EVENT_CHARS];
        Arrays.fill(filler, 'x');
        String text = new String(filler);
        server.on("tools/call", (request, id, message) -> {
            HttpServerResponse response = request.response().putHeader("Content-Type", "text/event-stream")
                    .setChunked(true);
            Buffer event = Buffer.buffer("data: {\"jsonrpc\":\"2.0\",\"id\":" + id
                    + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}}\n\n");
            for (int at = 0; at < event.length(); at += CHUNK_BYTES) {
                response.write(event.getBuffer(at, Math.min(event.length(), at + CHUNK_BYTES)));
            }
            response.end();
        });
        try (TestRelay relay = relay(vertx)) {
            TestSocket device = connected(vertx, relay);

            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                JsonNode reply = device.exchange(call(i, "wide___fair", "{}"));
                assertThat(reply.at("/result/isError").asBoolean()).isFalse();
                assertThat(text(reply)).startsWith("xxxx");
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(tookMs).as("20 calls of a 3 MiB event").isLessThan(10_000);
        }
    }

    private TestRelay relay(Vertx vertx) throws Exception {
        return TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %1$s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                  big:
                    type: http
                    url: "%2$s?target=big"
                    maxResponseBytes: %3$d
                    timeout: 10s
                    breaker: {maxFailures: 100}
                  wide: {type: http, url: "%2$s?target=wide", timeout: 10s, breaker: {maxFailures: 100}}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%4$s"}}}
                """.formatted(stateDir, server.url(), LIMIT_BYTES, TokenHash.ofPlain(TestRelay.TOKEN)), stateDir,
                Map.of()));
    }

    private static TestSocket connected(Vertx vertx, TestRelay relay) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize("2025-06-18");
        Await.until(vertx, () -> device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}")
                .at("/result/tools").size() == 2);
        return device;
    }
}
