package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.HttpPeer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestMcpHttpServer;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the Streamable HTTP front answers bad and hostile requests with the spec's status or error, before
 * any work, and that nothing else is disturbed: missing and wrong tokens, wrong media types, bodies over the limit,
 * unknown and foreign session ids, an unsupported protocol-version header, foreign origins and hosts, and a client
 * that never reads its stream. The relay's two front verticles share a fixed port, so requests of one session reach
 * both.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class HttpFrontHostileTest {

    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";

    private static TestMcpHttpServer upstream;
    private static TestRelay relay;
    private static HttpPeer http;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path stateDir) throws Exception {
        upstream = TestMcpHttpServer.start(vertx, null);
        relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, upstream.url()), stateDir, Map.of()));
        http = new HttpPeer(relay.port());
    }

    /**
     * The relay of the HTTP fronts' hostile tests: two front verticles on a fixed port, 4 KiB messages, 16 KiB write
     * queues, one allowed foreign origin, a 2 s drain (its HTTP sessions end one after another over it), and a
     * Streamable HTTP target {@code up} at {@code upstreamUrl}.
     */
    static String yaml(Path stateDir, String upstreamUrl) throws Exception {
        return """
                node: {stateDir: %s}
                server:
                  host: 127.0.0.1
                  port: %d
                  instances: 2
                  maxMessageBytes: 4KiB
                  writeQueueMaxBytes: 16KiB
                  allowedOrigins: [https://app.example.com]
                  authFailures: {max: 1000}
                  shutdownGrace: 2s
                admin: {port: 0}
                targets:
                  up: {type: http, url: "%s", maxResponseBytes: 64MiB}
                  diagnostics: {type: builtin, builtin: diagnostics}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}}}
                  limited: {devices: {hall: {tokenHash: "%s"}}}
                """.formatted(stateDir, FreePorts.take(1)[0], upstreamUrl, TokenHash.ofPlain(TestRelay.TOKEN),
                TokenHash.ofPlain(TestRelay.LIMITED_TOKEN));
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        upstream.close();
    }

    /** Verifies that no token and a wrong one get 401 with {@code WWW-Authenticate: Bearer}, and ?token= works. */
    @Test
    void refusesMissingAndWrongTokens() throws Exception {
        HttpResponse<String> missing = http.post(null, null, Requests.initialize(1, "2025-06-18"));
        HttpResponse<String> wrong = http.post("xzr_nobody", null, Requests.initialize(1, "2025-06-18"));
        HttpResponse<String> inUrl = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + relay.port() + "/mcp?token=" + TestRelay.TOKEN))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Requests.initialize(1, "2025-06-18"))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(inUrl.statusCode()).isEqualTo(200);
        assertThat(inUrl.headers().firstValue("Mcp-Session-Id")).isPresent();
    }

    /** Verifies that a wrong Content-Type gets 415 and an Accept that leaves out a type the answer may take 406. */
    @Test
    void refusesWrongMediaTypes() throws Exception {
        String session = http.initialize(TestRelay.TOKEN, "2025-06-18");
        Map<String, String> plain = HttpPeer.headers(TestRelay.TOKEN, session);
        plain.put("Content-Type", "text/plain");
        Map<String, String> jsonOnly = HttpPeer.headers(TestRelay.TOKEN, session);
        jsonOnly.put("Accept", "application/json");
        Map<String, String> getJson = HttpPeer.headers(TestRelay.TOKEN, session);
        getJson.put("Accept", "application/json");

        assertThat(http.send("POST", plain, PING).statusCode()).isEqualTo(415);
        assertThat(http.send("POST", jsonOnly, PING).statusCode()).isEqualTo(406);
        assertThat(http.send("GET", getJson, null).statusCode()).isEqualTo(406);
        assertThat(http.send("PUT", HttpPeer.headers(TestRelay.TOKEN, session), PING).statusCode()).isEqualTo(405);
        assertThat(http.post(TestRelay.TOKEN, session, PING).statusCode()).isEqualTo(200);
    }

    /** Verifies that bodies over {@code server.maxMessageBytes} get 413, announced or chunked. */
    @Test
    void refusesBodiesOverTheLimit() throws Exception {
        String session = http.initialize(TestRelay.TOKEN, "2025-06-18");
        String big = Requests.call(3, "diagnostics___echo", "{\"text\":\"" + "x".repeat(5000) + "\"}");
        HttpRequest.Builder chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8))));
        HttpPeer.headers(TestRelay.TOKEN, session).forEach(chunked::header);

        assertThat(http.post(TestRelay.TOKEN, session, big).statusCode()).isEqualTo(413);
        assertThat(HttpClient.newHttpClient().send(chunked.build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(413);
        assertThat(http.post(TestRelay.TOKEN, session, PING).statusCode()).isEqualTo(200);
    }

    /**
     * Verifies that unknown session ids and another device's get 404 (never that session), that requests other than
     * initialize need a session (400), and that unknown methods get JSON-RPC -32601 with HTTP 200.
     */
    @Test
    void keepsSessionsToTheirDevice() throws Exception {
        String mine = http.initialize(TestRelay.TOKEN, "2025-11-25");

        assertThat(http.post(TestRelay.TOKEN, "nope." + "A".repeat(32), PING).statusCode()).isEqualTo(404);
        assertThat(http.post(TestRelay.LIMITED_TOKEN, mine, Requests.listTools("1")).statusCode()).isEqualTo(404);
        assertThat(http.send("DELETE", HttpPeer.headers(TestRelay.LIMITED_TOKEN, mine), null).statusCode())
                .isEqualTo(404);
        assertThat(http.post(TestRelay.TOKEN, null, Requests.listTools("1")).statusCode()).isEqualTo(400);
        assertThat(http.send("GET", Map.of("Authorization", "Bearer " + TestRelay.TOKEN, "Accept",
                "text/event-stream"), null).statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = http.post(TestRelay.TOKEN, mine,
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"server/discover\"}");
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(Json.parse(unknown.body()).at("/error/code").asInt()).isEqualTo(-32601);
        assertThat(mine).matches("[0-9a-f]{8}\\.[A-Za-z0-9_-]{32}");
        assertThat(http.post(TestRelay.TOKEN, mine, PING).statusCode()).isEqualTo(200);
    }

    /**
     * Verifies that an unsupported {@code MCP-Protocol-Version} gets 400 while any supported one is taken, also one
     * other than the session's, and that notifications get 202 and batches work under 2025-03-26 only.
     */
    @Test
    void checksTheProtocolVersionHeader() throws Exception {
        String session = http.initialize(TestRelay.TOKEN, "2025-11-25");
        Map<String, String> bad = HttpPeer.headers(TestRelay.TOKEN, session);
        bad.put("MCP-Protocol-Version", "1999-01-01");
        Map<String, String> older = HttpPeer.headers(TestRelay.TOKEN, session);
        older.put("MCP-Protocol-Version", "2025-03-26");
        String batch = "[" + PING + "," + Requests.listTools("8") + "]";
        String batchSession = http.initialize(TestRelay.TOKEN, "2025-03-26");

        assertThat(http.send("POST", bad, PING).statusCode()).isEqualTo(400);
        assertThat(http.send("POST", older, PING).statusCode()).isEqualTo(200);
        assertThat(http.post(TestRelay.TOKEN, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}")
                .statusCode()).isEqualTo(202);
        assertThat(Json.parse(http.post(TestRelay.TOKEN, session, batch).body()).at("/error/code").asInt())
                .isEqualTo(-32600);
        JsonNode replies = Json.parse(http.post(TestRelay.TOKEN, batchSession, batch).body());
        assertThat(replies.isArray()).isTrue();
        assertThat(replies).hasSize(2);
    }

    /**
     * Verifies DNS-rebinding protection and CORS: a foreign {@code Origin} gets 403, a loopback or configured one is
     * served with the session headers exposed, a preflight is answered, and on a loopback-bound relay a foreign
     * {@code Host} gets 403.
     */
    @Test
    void checksOriginsAndHosts() throws Exception {
        Map<String, String> evil = HttpPeer.headers(TestRelay.TOKEN, null);
        evil.put("Origin", "https://evil.example");
        Map<String, String> local = HttpPeer.headers(TestRelay.TOKEN, null);
        local.put("Origin", "http://localhost:6274");
        Map<String, String> configured = HttpPeer.headers(TestRelay.TOKEN, null);
        configured.put("Origin", "https://app.example.com");
        Map<String, String> preflight = new LinkedHashMap<>();
        preflight.put("Origin", "http://localhost:6274");
        preflight.put("Access-Control-Request-Method", "POST");
        String initialize = Requests.initialize(1, "2025-06-18");

        assertThat(http.send("POST", evil, initialize).statusCode()).isEqualTo(403);
        HttpResponse<String> fromLocal = http.send("POST", local, initialize);
        assertThat(fromLocal.statusCode()).isEqualTo(200);
        assertThat(fromLocal.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:6274");
        assertThat(fromLocal.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("Mcp-Session-Id").contains("MCP-Protocol-Version");
        assertThat(http.send("POST", configured, initialize).statusCode()).isEqualTo(200);
        HttpResponse<String> options = http.send("OPTIONS", preflight, null);
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                .contains("Mcp-Session-Id").contains("Authorization");
        assertThat(rawStatusLine("POST /mcp HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer " + TestRelay.TOKEN
                + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Length: " + initialize.length() + "\r\nConnection: close\r\n\r\n" + initialize))
                .contains(" 403 ");
    }

    /**
     * Verifies that a client that never reads its event stream is dropped once its bounded write queue is full,
     * while another session is served meanwhile and the dropped stream's session itself goes on.
     * GIVEN a session whose call streams megabytes of progress; WHEN its client never reads; THEN the relay drops that
     * stream, and both that session and another answer at once.
     */
    @Test
    void dropsAClientThatNeverReads(Vertx vertx) throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            String stuck = http.initialize(TestRelay.TOKEN, "2025-06-18");
            String other = http.initialize(TestRelay.TOKEN, "2025-06-18");
            String flood = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"up___stream\","
                    + "\"arguments\":{\"events\":6000,\"padding\":2000},\"_meta\":{\"progressToken\":\"p\"}}}";
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress("127.0.0.1", relay.port()));
                OutputStream out = socket.getOutputStream();
                out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestRelay.TOKEN
                        + "\r\nMcp-Session-Id: " + stuck + "\r\nContent-Type: application/json\r\n"
                        + "Accept: application/json, text/event-stream\r\nContent-Length: " + flood.length()
                        + "\r\n\r\n" + flood).getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(http.post(TestRelay.TOKEN, other, Requests.call(5, "diagnostics___echo",
                        "{\"text\":\"meanwhile\"}")).body()).contains("meanwhile");

                Await.until(vertx, 60_000, () -> logs.lines().stream()
                        .anyMatch(line -> line.startsWith("slow reader dropped")));
            }
            assertThat(http.post(TestRelay.TOKEN, stuck, PING).statusCode()).isEqualTo(200);
            assertThat(http.post(TestRelay.TOKEN, other, PING).statusCode()).isEqualTo(200);
        }
    }

    private static String rawStatusLine(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", relay.port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
