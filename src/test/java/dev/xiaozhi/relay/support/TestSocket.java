package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A raw device-side WebSocket for tests: sends frames exactly as given and hands out received text messages in
 * order, so conversations can be checked frame by frame.
 */
public final class TestSocket {

    private static final long WAIT_SECONDS = 10;

    /** Held so that the client is not cleaned up (and its socket closed) while the socket is in use. */
    private final WebSocketClient client;
    private final WebSocket socket;
    private final Inbox inbox = new Inbox();
    private final Promise<Short> closed = Promise.promise();

    private TestSocket(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(inbox::add);
        socket.closeHandler(v -> {
            closed.tryComplete(socket.closeStatusCode());
            inbox.close("closed with " + socket.closeStatusCode());
        });
    }

    /** Connects with a client that allows messages far beyond the relay's limits. */
    public static TestSocket connect(Vertx vertx, WebSocketConnectOptions options) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(64 * 1024 * 1024).setMaxMessageSize(64 * 1024 * 1024).setTrustAll(true)
                .setVerifyHost(false).setMaxConnections(1000));
        return new TestSocket(client, client.connect(options).await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    /** Connects to a URL. */
    public static TestSocket connect(Vertx vertx, String url) throws Exception {
        return connect(vertx, new WebSocketConnectOptions().setAbsoluteURI(url));
    }

    /** Sends one text frame. */
    public TestSocket send(String text) throws Exception {
        socket.writeTextMessage(text).await(WAIT_SECONDS, TimeUnit.SECONDS);
        return this;
    }

    /** The underlying socket. */
    public WebSocket socket() {
        return socket;
    }

    /** The next received message as text. */
    public String nextText() throws Exception {
        return inbox.take(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The next received message, parsed. */
    public JsonNode nextJson() throws Exception {
        return Json.parse(nextText());
    }

    /** Sends a request and returns the next message that is not a notification, parsed. */
    public JsonNode exchange(String request) throws Exception {
        send(request);
        return nextResponse();
    }

    /** The next received message that is not a notification (such as {@code tools/list_changed}), parsed. */
    public JsonNode nextResponse() throws Exception {
        JsonNode message = nextJson();
        while (message.has("method") && !message.has("id")) {
            message = nextJson();
        }
        return message;
    }

    /**
     * The next notification of a method, skipping every other message; some servers send theirs only every few
     * seconds, so this waits up to {@code waitMs}.
     */
    public JsonNode nextNotification(String method, long waitMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (true) {
            try {
                JsonNode message = nextJson();
                if (method.equals(message.path("method").asText())) {
                    return message;
                }
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no " + method + " within " + waitMs + " ms", e);
                }
            }
        }
    }

    /** Performs initialize (with the given id and version) and notifications/initialized. */
    public JsonNode initialize(String version) throws Exception {
        JsonNode response = exchange(Requests.initialize(0, version));
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return response;
    }

    /** The close code, once the relay closed the socket. */
    public short awaitClose() throws Exception {
        return closed.future().await(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Whether nothing arrived that was not yet taken. */
    public boolean nothingPending() {
        return inbox.isEmpty();
    }
}
