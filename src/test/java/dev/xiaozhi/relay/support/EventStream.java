package dev.xiaozhi.relay.support;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notification stream ({@code GET /mcp}) of a Streamable HTTP session, read over a plain socket as it arrives:
 * what came so far, raw (status line, headers, chunks), and a close that drops the connection, as a client that goes
 * away does.
 */
public final class EventStream implements AutoCloseable {

    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");

    private final Socket socket;
    private final StringBuffer received = new StringBuffer();
    private volatile boolean ended;

    private EventStream(Socket socket) {
        this.socket = socket;
        Thread reader = new Thread(this::read, "event-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the notification stream of a session on the relay's device port, with a device token. */
    public static EventStream open(int port, String token, String session) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write(("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
                + token + "\r\nMcp-Session-Id: " + session + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return new EventStream(socket);
    }

    /** The response's status; 0 until its status line arrived. */
    public int status() {
        Matcher status = STATUS.matcher(received);
        return status.find() ? Integer.parseInt(status.group(1)) : 0;
    }

    /** Everything received so far. */
    public String received() {
        return received.toString();
    }

    /** Whether the stream is over: its last chunk came, or the relay closed the connection. */
    public boolean ended() {
        return ended || received.toString().endsWith("\r\n0\r\n\r\n");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void read() {
        char[] buffer = new char[4096];
        try (Reader in = new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.append(buffer, 0, n);
            }
        } catch (IOException e) {
            // closed by this side
        }
        ended = true;
    }
}
