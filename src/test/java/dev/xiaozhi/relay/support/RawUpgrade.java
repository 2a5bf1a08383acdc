package dev.xiaozhi.relay.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * A WebSocket upgrade request written by hand on a plain socket, for tests that need what a WebSocket client does not
 * give: many at once on sockets opened beforehand, a PROXY protocol header before it, any extra header lines.
 */
public final class RawUpgrade {

    private RawUpgrade() {
    }

    /**
     * Sends an upgrade request to {@code /mcp} with a token and extra header lines ({@code Name: value}); the future
     * holds the status of the answer, or -1 when the relay closed the socket without one. The socket is closed once
     * the status line is in.
     */
    public static Future<Integer> status(NetSocket socket, String token, String... headerLines) {
        Promise<Integer> status = Promise.promise();
        Buffer answer = Buffer.buffer();
        socket.handler(chunk -> {
            answer.appendBuffer(chunk);
            String text = answer.toString();
            if (text.contains("\r\n")) {
                status.tryComplete(Integer.parseInt(text.substring(9, 12)));
                socket.close();
            }
        });
        socket.closeHandler(v -> status.tryComplete(-1));
        StringBuilder request = new StringBuilder("GET /mcp?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        socket.write(request.append("\r\n").toString());
        return status.future();
    }
}
