package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.ToolResults;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A tool provider on a bare TCP socket that speaks just enough WebSocket to serve {@code lights} as
 * {@link FakeProvider} does, and nothing a WebSocket library would do by itself: it never answers a ping, and once
 * told to {@link #stopReading()} it reads nothing at all, as a provider whose process stopped or whose host vanished;
 * told to {@link #stopAnswering()}, it reads on but answers nothing, as a provider stuck in a call.
 */
public final class RawProvider {

    private static final String HANDSHAKE_END = "\r\n\r\n";

    private final NetSocket socket;
    private Buffer pending = Buffer.buffer();
    private boolean upgraded;
    private volatile boolean mute;

    private RawProvider(NetSocket socket) {
        this.socket = socket;
    }

    /** Dials in at {@code path} ({@code /tools?token=…}) and upgrades; the MCP handshake follows as the relay asks. */
    public static RawProvider connect(Vertx vertx, int port, String path) throws Exception {
        NetSocket socket = vertx.createNetClient().connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
        RawProvider provider = new RawProvider(socket);
        socket.handler(provider::onData);
        socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
        return provider;
    }

    /** Reads nothing more: what the relay writes stays in its buffers. */
    public void stopReading() {
        socket.pause();
    }

    /** Reads on, but answers nothing more. */
    public void stopAnswering() {
        mute = true;
    }

    private void onData(Buffer data) {
        pending = pending.appendBuffer(data);
        if (!upgraded) {
            String head = pending.toString(StandardCharsets.ISO_8859_1);
            int end = head.indexOf(HANDSHAKE_END);
            if (end < 0) {
                return;
            }
            upgraded = true;
            pending = pending.getBuffer(end + HANDSHAKE_END.length(), pending.length());
        }
        for (int consumed = frame(); consumed > 0; consumed = frame()) {
            pending = pending.getBuffer(consumed, pending.length());
        }
    }

    /** Handles the first whole frame of what is pending; its length, or 0 when none is whole yet. */
    private int frame() {
        if (pending.length() < 2) {
            return 0;
        }
        int opcode = pending.getByte(0) & 0x0f;
        int length = pending.getByte(1) & 0x7f;
        int offset = 2;
        if (length == 126) {
            if (pending.length() < 4) {
                return 0;
            }
            length = pending.getUnsignedShort(2);
            offset = 4;
        } else if (length == 127) {
            if (pending.length() < 10) {
                return 0;
            }
            length = (int) pending.getLong(2);
            offset = 10;
        }
        if (pending.length() < offset + length) {
            return 0;
        }
        if (opcode == 1 && !mute) {
            answer(pending.getString(offset, offset + length, "UTF-8"));
        }
        return offset + length;
    }

    private void answer(String text) {
        JsonNode message;
        try {
            message = Json.parse(text);
        } catch (Exception e) {
            return;
        }
        String id = message.has("id") ? message.get("id").toString() : null;
        String reply = switch (message.path("method").asText()) {
            case "initialize" -> JsonRpc.response(id, "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":"
                    + "{\"tools\":{}},\"serverInfo\":{\"name\":\"raw\",\"version\":\"1\"}}");
            case "tools/list" -> JsonRpc.response(id, "{\"tools\":[{\"name\":\"lights\",\"description\":"
                    + "\"Switches the lights\",\"inputSchema\":{\"type\":\"object\"}}]}");
            case "tools/call" -> JsonRpc.response(id, ToolResults.text("lights: on"));
            default -> null;
        };
        if (reply != null) {
            send(reply);
        }
    }

    /** Writes one masked text frame (the mask key is zero, which leaves the payload as it is). */
    private void send(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
        if (payload.length < 126) {
            frame.appendByte((byte) (0x80 | payload.length));
        } else if (payload.length <= 0xffff) {
            frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(payload.length);
        } else {
            frame.appendByte((byte) (0x80 | 127)).appendLong(payload.length);
        }
        socket.write(frame.appendInt(0).appendBytes(payload));
    }
}
