package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A raw Streamable HTTP client of the relay's {@code /mcp}, for tests that send what an MCP SDK would not: any
 * method, headers and body, the answer read whole.
 */
public final class HttpPeer {

    /** The headers of a well-behaved POST. */
    public static final Map<String, String> POST_HEADERS = Map.of("Content-Type", "application/json",
            "Accept", "application/json, text/event-stream");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    /** A peer of the relay on {@code port}. */
    public HttpPeer(int port) {
        this.endpoint = URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    /** Sends a request; {@code body} may be null. */
    public HttpResponse<String> send(String method, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A well-behaved POST of a device, on a session (null for none). */
    public HttpResponse<String> post(String token, String session, String body) throws Exception {
        return send("POST", headers(token, session), body);
    }

    /**
     * A well-behaved POST whose answer is read as it comes, line by line (an event stream's {@code data:} lines one
     * by one, or a JSON body's one line), so that a test can answer what the relay asks before the reply.
     */
    public HttpResponse<Stream<String>> postStreaming(String token, String session, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers(token, session).forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** Initializes a new session at a protocol version and says initialized; returns its {@code Mcp-Session-Id}. */
    public String initialize(String token, String version) throws Exception {
        return initialize(token, version, "{}");
    }

    /** {@link #initialize(String, String)} for a client that declares {@code capabilities} (a JSON object). */
    public String initialize(String token, String version, String capabilities) throws Exception {
        HttpResponse<String> answer = post(token, null, Requests.initialize(1, version, capabilities));
        String session = answer.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new AssertionError("no session: " + answer.statusCode() + " " + answer.body()));
        post(token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    /** The headers of a well-behaved POST with a bearer token and a session (either may be null). */
    public static Map<String, String> headers(String token, String session) {
        Map<String, String> headers = new LinkedHashMap<>(POST_HEADERS);
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        if (session != null) {
            headers.put("Mcp-Session-Id", session);
        }
        return headers;
    }

    /**
     * Calls a tool on an HTTP session and reads its answer as it streams; every request the relay sends the client
     * before the reply is answered with the result {@code answer} gives it.
     */
    public JsonNode callAnswering(String token, String session, int id, String tool, String arguments,
            Function<JsonNode, String> answer) throws Exception {
        HttpResponse<Stream<String>> response = postStreaming(token, session,
                Requests.call(id, tool, arguments));
        if (response.statusCode() != 200) {
            throw new AssertionError("the call was answered with HTTP " + response.statusCode());
        }
        try (Stream<String> lines = response.body()) {
            for (Iterator<String> next = lines.iterator(); next.hasNext(); ) {
                String line = next.next();
                String data = line.startsWith("data:") ? line.substring(5).trim() : line.startsWith("{") ? line
                        : null;
                if (data == null || data.isEmpty()) {
                    continue;
                }
                JsonNode message = Json.parse(data);
                if (message.has("method") && message.has("id")) {
                    String result = answer.apply(message);
                    int status = post(token, session, "{\"jsonrpc\":\"2.0\",\"id\":"
                            + Json.compact(message.get("id")) + ",\"result\":" + result + "}").statusCode();
                    if (status != 202) {
                        throw new AssertionError("the answer was refused with HTTP " + status);
                    }
                } else if (message.path("id").asInt(-1) == id) {
                    return message;
                }
            }
        }
        throw new AssertionError("the stream ended without the reply to " + id);
    }
}
