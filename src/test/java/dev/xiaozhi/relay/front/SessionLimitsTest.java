package dev.xiaozhi.relay.front;

import static dev.xiaozhi.relay.support.Requests.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies deadlines, cancellation, the result cap and the frame and write-queue limits of device sessions, and that
 * one misbehaving session never disturbs another.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class SessionLimitsTest {

    private static final String V2024 = "2024-11-05";

    private static TestRelay relay;

    @BeforeAll
    static void startRelay(@TempDir Path stateDir) throws Exception {
        relay = TestRelay.start(stateDir, "writeQueueMaxBytes: 16KiB");
    }

    @AfterAll
    static void stopRelay() throws Exception {
        relay.close();
    }

    /** Verifies that a call running past its target's deadline ends in a clear tool error, never in silence. */
    @Test
    void endsSlowCallsWithAToolErrorAtTheDeadline(Vertx vertx) throws Exception {
        TestSocket device = initialized(vertx);

        JsonNode reply = device.exchange(call(1, "diagnostics___sleep", "{\"ms\":10000}"));

        assertThat(reply.at("/result/isError").asBoolean()).isTrue();
        assertThat(reply.at("/result/content/0/text").asText()).isEqualTo("diagnostics did not answer within 2 s");
    }

    /** Verifies that a cancelled call gets no response and that its target is told to stop. */
    @Test
    void stopsWaitingForCancelledCallsAndTellsTheTarget(Vertx vertx) throws Exception {
        TestSocket device = initialized(vertx);
        double cancelledBefore = toolErrors("diagnostics");

        device.send(call(7, "diagnostics___sleep", "{\"ms\":1500}"));
        device.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7,"
                + "\"reason\":\"user gave up\"}}");
        JsonNode next = device.exchange("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}");

        assertThat(next.get("id").asInt()).isEqualTo(8);
        Await.until(vertx, () -> toolErrors("diagnostics") > cancelledBefore);
        assertThat(device.exchange("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}").get("id").asInt())
                .isEqualTo(9);
    }

    /** Verifies that results beyond the 8192-byte cap are cut to a valid, marked result that fits. */
    @Test
    void cutsOversizedResultsToAValidMarkedResult(Vertx vertx) throws Exception {
        TestSocket device = initialized(vertx);
        String text = "汉字 and \"quotes\"\n".repeat(2000);

        String reply = device.send(call(1, "diagnostics___echo", "{\"text\":" + quote(text) + "}")).nextText();

        assertThat(reply.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8192);
        JsonNode parsed = dev.xiaozhi.relay.protocol.Json.parse(reply);
        String shown = parsed.at("/result/content/0/text").asText();
        assertThat(shown).contains("[truncated by the relay:");
        assertThat(text).startsWith(shown.substring(0, shown.indexOf("\n[truncated by the relay:")));
        assertThat(parsed.at("/result/isError").asBoolean(false)).isFalse();
    }

    /** Verifies that a message over the limit, in one frame or in fragments, closes that session with 1009 only. */
    @Test
    void closesSessionsSendingOversizedMessagesWith1009(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (TestRelay small = TestRelay.start(stateDir, "maxMessageBytes: 1KiB")) {
            TestSocket bystander = TestSocket.connect(vertx, small.url(TestRelay.TOKEN));
            bystander.initialize(V2024);
            TestSocket oneFrame = TestSocket.connect(vertx, small.url(TestRelay.TOKEN));
            TestSocket fragments = TestSocket.connect(vertx, small.url(TestRelay.TOKEN));

            oneFrame.socket().writeTextMessage("{\"pad\":\"" + "x".repeat(3000) + "\"}");
            String part = "x".repeat(600);
            fragments.socket().writeFrame(WebSocketFrame.textFrame(part, false));
            fragments.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part), false));
            fragments.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part), true));

            assertThat(oneFrame.awaitClose()).isEqualTo((short) 1009);
            assertThat(fragments.awaitClose()).isEqualTo((short) 1009);
            assertThat(bystander.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").get("id").asInt())
                    .isEqualTo(1);
        }
    }

    /** Verifies that binary frames close the session with 1003. */
    @Test
    void closesSessionsSendingBinaryFramesWith1003(Vertx vertx) throws Exception {
        TestSocket device = initialized(vertx);

        device.socket().writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3}));

        assertThat(device.awaitClose()).isEqualTo((short) 1003);
    }

    /**
     * Verifies that a device that stops reading (a raw socket that upgrades, sends requests and never reads) is
     * dropped once its write queue is full, and that others go on. A relay of its own, so that no other test's
     * sessions come and go in the count, and requests written a few at a time, so that each is answered in full
     * rather than refused as busy by a target queue that a burst would fill.
     */
    @Test
    void closesSlowReadersInsteadOfBuffering(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (TestRelay own = TestRelay.start(stateDir, "writeQueueMaxBytes: 16KiB")) {
            TestSocket bystander = TestSocket.connect(vertx, own.url(TestRelay.TOKEN));
            bystander.initialize(V2024);
            RelayMetrics metrics = own.node().metrics();
            Await.until(vertx, () -> metrics.openSessions() == 1);
            NetSocket reader = vertx.createNetClient().connect(own.port(), "127.0.0.1").await(10, TimeUnit.SECONDS);
            reader.pause();
            reader.write("GET /mcp?token=" + TestRelay.TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            Await.until(vertx, () -> metrics.openSessions() == 2);
            reader.write(clientFrame("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2024-11-05\"}}"));
            Buffer request = clientFrame(call(1, "diagnostics___echo", "{\"text\":\"" + "y".repeat(7000) + "\"}"));

            // the paused client never reads, so it may not notice the drop itself: the relay's side is what counts
            for (int i = 0; i < 20_000 && metrics.openSessions() == 2; i++) {
                reader.write(request);
                if (i % 32 == 31) {
                    Thread.sleep(5);
                }
            }

            Await.until(vertx, () -> metrics.openSessions() < 2);
            assertThat(bystander.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").get("id").asInt())
                    .isEqualTo(1);
            reader.close();
        }
    }

    /** A masked (mask key 0) text frame, as a client must send it. */
    private static Buffer clientFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
        if (payload.length < 126) {
            frame.appendByte((byte) (0x80 | payload.length));
        } else {
            frame.appendByte((byte) (0x80 | 126)).appendShort((short) payload.length);
        }
        return frame.appendInt(0).appendBytes(payload);
    }

    private static TestSocket initialized(Vertx vertx) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize(V2024);
        return device;
    }

    private static String quote(String text) {
        return dev.xiaozhi.relay.protocol.Json.quote(text);
    }

    private static double toolErrors(String target) {
        Counter counter = relay.node().metrics().registry().find("relay.tool.calls")
                .tags("target", target, "outcome", "tool_error").counter();
        return counter == null ? 0 : counter.count();
    }
}
