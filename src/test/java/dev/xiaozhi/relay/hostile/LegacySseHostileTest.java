package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.SsePeer;
import dev.xiaozhi.relay.support.TestMcpHttpServer;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the legacy HTTP+SSE front ({@code /sse}, {@code /messages}) answers bad and hostile requests with the
 * status the Streamable HTTP front gives them, before any work, and that nothing else is disturbed: missing and wrong
 * tokens, unknown and foreign session ids, wrong media types and methods, bodies over the limit, foreign origins, and
 * a client that never reads its stream. The relay is the one of {@link HttpFrontHostileTest}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class LegacySseHostileTest {

    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    private static TestMcpHttpServer upstream;
    private static TestRelay relay;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path stateDir) throws Exception {
        upstream = TestMcpHttpServer.start(vertx, null);
        relay = TestRelay.start(ConfigLoader.parse(HttpFrontHostileTest.yaml(stateDir, upstream.url()), stateDir,
                Map.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        upstream.close();
    }

    /**
     * Verifies that a stream without a token or with a wrong one gets 401 with {@code WWW-Authenticate: Bearer}, and
     * so does a message to a live session without its token or with a wrong one; the session goes on.
     */
    @Test
    void refusesMissingAndWrongTokens() throws Exception {
        try (SsePeer missing = SsePeer.open(relay.port(), "/sse", Map.of());
                SsePeer wrong = SsePeer.open(relay.port(), "xzr_nobody");
                SsePeer live = SsePeer.open(relay.port(), TestRelay.TOKEN)) {
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            live.initialize(TestRelay.TOKEN);

            HttpResponse<String> anonymous = live.post(null, PING);
            HttpResponse<String> stranger = live.post("xzr_nobody", PING);

            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(stranger.statusCode()).isEqualTo(401);
            assertThat(live.post(TestRelay.TOKEN, PING).statusCode()).isEqualTo(202);
            assertThat(live.next().path("id").asInt()).isEqualTo(7);
        }
    }

    /**
     * Verifies that a client that can only set a URL ({@code /sse?token=…}) is announced an endpoint that carries its
     * token, and is served there; one that sent a header is announced the session id alone.
     */
    @Test
    void announcesTheTokenToAClientThatSentItInTheUrl() throws Exception {
        try (SsePeer byUrl = SsePeer.open(relay.port(), "/sse?token=" + TestRelay.TOKEN, Map.of());
                SsePeer byHeader = SsePeer.open(relay.port(), TestRelay.TOKEN)) {
            assertThat(byUrl.status()).isEqualTo(200);
            assertThat(byUrl.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
            assertThat(byUrl.endpoint()).matches("/messages\\?sessionId=[0-9a-f]{8}\\.[A-Za-z0-9_-]{32}&token="
                    + TestRelay.TOKEN);
            assertThat(byHeader.endpoint()).matches("/messages\\?sessionId=[0-9a-f]{8}\\.[A-Za-z0-9_-]{32}");

            JsonNode initialized = byUrl.initialize(null);

            assertThat(initialized.at("/result/protocolVersion").asText()).isEqualTo("2024-11-05");
            assertThat(byUrl.post(null, Requests.listTools("2")).statusCode()).isEqualTo(202);
            assertThat(byUrl.next().at("/result/tools").size()).isGreaterThan(1);
        }
    }

    /**
     * Verifies that unknown, missing and another device's session ids get 404 (never that session), and that the
     * session is served afterwards as before.
     */
    @Test
    void keepsSessionsToTheirDevice() throws Exception {
        try (SsePeer mine = SsePeer.open(relay.port(), TestRelay.TOKEN)) {
            mine.initialize(TestRelay.TOKEN);
            String foreign = mine.endpoint();
            Map<String, String> limited = Map.of("Content-Type", "application/json", "Authorization",
                    "Bearer " + TestRelay.LIMITED_TOKEN);
            Map<String, String> own = Map.of("Content-Type", "application/json", "Authorization",
                    "Bearer " + TestRelay.TOKEN);

            assertThat(mine.post(foreign, limited, Requests.listTools("1")).statusCode()).isEqualTo(404);
            assertThat(mine.post("/messages?sessionId=nope." + "A".repeat(32), own, PING).statusCode())
                    .isEqualTo(404);
            assertThat(mine.post("/messages", own, PING).statusCode()).isEqualTo(404);

            assertThat(mine.post(TestRelay.TOKEN, PING).statusCode()).isEqualTo(202);
            assertThat(mine.next().path("id").asInt()).isEqualTo(7);
        }
    }

    /**
     * Verifies that a wrong Content-Type gets 415, a body over {@code server.maxMessageBytes} 413, one that is not
     * JSON 400, an {@code Accept} without {@code text/event-stream} 406 and a wrong method 405; the session goes on.
     */
    @Test
    void refusesWrongMediaTypesBodiesAndMethods() throws Exception {
        try (SsePeer session = SsePeer.open(relay.port(), TestRelay.TOKEN);
                SsePeer json = SsePeer.open(relay.port(), "/sse", Map.of("Authorization", "Bearer "
                        + TestRelay.TOKEN, "Accept", "application/json"))) {
            session.initialize(TestRelay.TOKEN);
            String endpoint = session.endpoint();
            String big = Requests.call(3, "diagnostics___echo", "{\"text\":\"" + "x".repeat(5000) + "\"}");

            assertThat(session.post(endpoint, Map.of("Content-Type", "text/plain", "Authorization", "Bearer "
                    + TestRelay.TOKEN), PING).statusCode()).isEqualTo(415);
            assertThat(session.post(TestRelay.TOKEN, big).statusCode()).isEqualTo(413);
            HttpResponse<String> garbage = session.post(TestRelay.TOKEN, "{not json");
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(garbage.body()).contains("-32700");
            assertThat(json.status()).isEqualTo(406);
            assertThat(rawStatusLine("DELETE /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"))
                    .contains(" 405 ");
            assertThat(rawStatusLine("GET /messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).contains(" 405 ");

            assertThat(session.post(TestRelay.TOKEN, PING).statusCode()).isEqualTo(202);
            assertThat(session.next().path("id").asInt()).isEqualTo(7);
        }
    }

    /**
     * Verifies DNS-rebinding protection and CORS on both paths: a foreign {@code Origin} gets 403, a loopback one is
     * served with CORS headers, and a preflight of {@code /messages} is answered.
     */
    @Test
    void checksOrigins() throws Exception {
        try (SsePeer evil = SsePeer.open(relay.port(), "/sse", Map.of("Authorization", "Bearer " + TestRelay.TOKEN,
                "Origin", "https://evil.example"));
                SsePeer local = SsePeer.open(relay.port(), "/sse", Map.of("Authorization", "Bearer "
                        + TestRelay.TOKEN, "Origin", "http://localhost:6274"))) {
            assertThat(evil.status()).isEqualTo(403);
            assertThat(local.status()).isEqualTo(200);
            assertThat(local.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:6274");
            String endpoint = local.endpoint();

            assertThat(local.post(endpoint, Map.of("Content-Type", "application/json", "Authorization", "Bearer "
                    + TestRelay.TOKEN, "Origin", "https://evil.example"), PING).statusCode()).isEqualTo(403);
            assertThat(rawStatusLine("OPTIONS " + endpoint + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Origin: http://localhost:6274\r\nAccess-Control-Request-Method: POST\r\n\r\n"))
                    .contains(" 204 ");
        }
    }

    /** Verifies that closing the stream ends the session: its id answers 404 from then on. */
    @Test
    void endsTheSessionWithItsStream(Vertx vertx) throws Exception {
        SsePeer closing = SsePeer.open(relay.port(), TestRelay.TOKEN);
        closing.initialize(TestRelay.TOKEN);
        String endpoint = closing.endpoint();

        closing.close();

        try (SsePeer other = SsePeer.open(relay.port(), TestRelay.TOKEN)) {
            Await.until(vertx, () -> other.post(endpoint, Map.of("Content-Type", "application/json",
                    "Authorization", "Bearer " + TestRelay.TOKEN), PING).statusCode() == 404);
        }
    }

    /**
     * Verifies that a client that never reads its stream is dropped once its bounded write queue is full, and its
     * session ends, while another session is served meanwhile.
     * GIVEN a session whose call streams megabytes of progress; WHEN its client never reads; THEN the relay drops the
     * stream and ends the session, and another session answers at once.
     */
    @Test
    void dropsAClientThatNeverReads(Vertx vertx) throws Exception {
        try (LogCapture logs = LogCapture.start();
                SsePeer other = SsePeer.open(relay.port(), TestRelay.TOKEN);
                Socket socket = new Socket()) {
            other.initialize(TestRelay.TOKEN);
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", relay.port()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestRelay.TOKEN
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String endpoint = endpointOf(socket.getInputStream());
            Map<String, String> headers = Map.of("Content-Type", "application/json", "Authorization",
                    "Bearer " + TestRelay.TOKEN);
            other.post(endpoint, headers, Requests.initialize(1, "2024-11-05"));
            String flood = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"up___stream\",\"arguments\":{\"events\":6000,\"padding\":2000},"
                    + "\"_meta\":{\"progressToken\":\"p\"}}}";

            assertThat(other.post(endpoint, headers, flood).statusCode()).isEqualTo(202);
            String echo = Requests.call(5, "diagnostics___echo", "{\"text\":\"meanwhile\"}");
            assertThat(other.post(TestRelay.TOKEN, echo).statusCode()).isEqualTo(202);
            assertThat(other.next().toString()).contains("meanwhile");

            Await.until(vertx, 60_000, () -> logs.lines().stream()
                    .anyMatch(line -> line.startsWith("slow reader dropped") && line.contains("front: sse")));
            Await.until(vertx, () -> other.post(endpoint, headers, PING).statusCode() == 404);
            assertThat(other.post(TestRelay.TOKEN, PING).statusCode()).isEqualTo(202);
            assertThat(other.next().path("id").asInt()).isEqualTo(7);
        }
    }

    /** Reads the head of a raw stream's response up to its endpoint event, and returns the endpoint. */
    private static String endpointOf(InputStream in) throws Exception {
        StringBuilder seen = new StringBuilder();
        int marker;
        while ((marker = seen.indexOf("event: endpoint\ndata: ")) < 0 || seen.indexOf("\n", marker + 22) < 0) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("stream ended before its endpoint: " + seen);
            }
            if (c != '\r') {
                seen.append((char) c);
            }
        }
        int start = marker + "event: endpoint\ndata: ".length();
        return seen.substring(start, seen.indexOf("\n", start));
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
