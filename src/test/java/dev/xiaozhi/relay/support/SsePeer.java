package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A raw client of the relay's legacy HTTP+SSE front, for tests that send what an MCP SDK would not: it opens
 * {@code GET /sse} with any headers, reads the stream's events as they come, and posts any body with any headers to
 * the announced endpoint.
 */
public final class SsePeer implements AutoCloseable {

    private static final long WAIT_SECONDS = 20;

    private final HttpClient client;
    private final String base;
    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    private volatile boolean ended;
    private String endpoint;

    private SsePeer(HttpClient client, String base, HttpResponse<Stream<String>> response) {
        this.client = client;
        this.base = base;
        this.response = response;
    }

    /** Opens {@code pathAndQuery} (e.g. {@code /sse?token=…}) on the relay's port; returns once the status came. */
    public static SsePeer open(int port, String pathAndQuery, Map<String, String> headers) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + port;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET();
        headers.forEach(request::header);
        SsePeer peer = new SsePeer(client, base, client.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        Thread reader = new Thread(peer::read, "sse-peer");
        reader.setDaemon(true);
        reader.start();
        return peer;
    }

    /** Opens {@code /sse} with a bearer token. */
    public static SsePeer open(int port, String token) throws Exception {
        return open(port, "/sse", Map.of("Authorization", "Bearer " + token, "Accept", "text/event-stream"));
    }

    /** The stream's status. */
    public int status() {
        return response.statusCode();
    }

    /** The stream's response headers. */
    public java.net.http.HttpHeaders headers() {
        return response.headers();
    }

    /** The endpoint that the first event announced, as sent. */
    public synchronized String endpoint() throws Exception {
        if (endpoint == null) {
            String[] first = event();
            if (!"endpoint".equals(first[0])) {
                throw new AssertionError("first event is not the endpoint: " + first[0] + " " + first[1]);
            }
            endpoint = first[1];
        }
        return endpoint;
    }

    /**
     * The next JSON-RPC message of a {@code message} event that is not a notification (such as a
     * {@code list_changed} the relay may send at any time).
     */
    public JsonNode next() throws Exception {
        while (true) {
            String[] next = event();
            if (!"message".equals(next[0])) {
                throw new AssertionError("not a message event: " + next[0] + " " + next[1]);
            }
            JsonNode message = Json.parse(next[1]);
            if (message.has("id") || !message.has("method")) {
                return message;
            }
        }
    }

    /** The data of the next event named {@code name}, skipping events of other names. */
    public String nextEvent(String name) throws Exception {
        while (true) {
            String[] next = event();
            if (name.equals(next[0])) {
                return next[1];
            }
        }
    }

    /** Whether the relay ended the stream. */
    public boolean ended() {
        return ended;
    }

    /** Posts a body to the announced endpoint with a bearer token (null for none) as {@code application/json}. */
    public HttpResponse<String> post(String token, String body) throws Exception {
        return postVia(base, token, body);
    }

    /** Posts a body to the announced endpoint on another relay port (another node of a cluster), with a token. */
    public HttpResponse<String> postVia(int port, String token, String body) throws Exception {
        return postVia("http://127.0.0.1:" + port, token, body);
    }

    /** Posts a body to a path and query of the relay with any headers. */
    public HttpResponse<String> post(String pathAndQuery, Map<String, String> headers, String body)
            throws Exception {
        return post(base, pathAndQuery, headers, body);
    }

    private HttpResponse<String> postVia(String origin, String token, String body) throws Exception {
        return token == null ? post(origin, endpoint(), Map.of("Content-Type", "application/json"), body)
                : post(origin, endpoint(), Map.of("Content-Type", "application/json",
                        "Authorization", "Bearer " + token), body);
    }

    private HttpResponse<String> post(String origin, String pathAndQuery, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + pathAndQuery))
                .timeout(Duration.ofSeconds(WAIT_SECONDS)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Initializes the session at 2024-11-05 and says initialized; returns the result. */
    public JsonNode initialize(String token) throws Exception {
        post(token, Requests.initialize(1, "2024-11-05"));
        JsonNode result = next();
        post(token, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return result;
    }

    /** Stops reading and closes the stream. */
    @Override
    public void close() {
        response.body().close();
    }

    private String[] event() throws Exception {
        String[] next = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no event within " + WAIT_SECONDS + " s" + (ended ? "; the stream ended" : ""));
        }
        return next;
    }

    private void read() {
        String[] pending = {"message", null};
        try {
            response.body().forEach(line -> {
                if (line.isEmpty()) {
                    if (pending[1] != null) {
                        events.add(new String[] {pending[0], pending[1]});
                    }
                    pending[0] = "message";
                    pending[1] = null;
                } else if (line.startsWith("event:")) {
                    pending[0] = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    String data = line.substring(5).trim();
                    pending[1] = pending[1] == null ? data : pending[1] + "\n" + data;
                }
            });
        } catch (RuntimeException closed) {
            // the stream was closed by either side
        } finally {
            ended = true;
        }
    }
}
