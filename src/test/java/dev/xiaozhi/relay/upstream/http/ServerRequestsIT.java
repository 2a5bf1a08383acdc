package dev.xiaozhi.relay.upstream.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HttpPeer;
import dev.xiaozhi.relay.support.ReferenceServer;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the requests a target's server makes of a client (sampling, elicitation) through the relay, and the
 * upstream sessions kept for them, against the conformance suite's reference server as an http target with the
 * default {@code sessions: auto}. That server sends its sampling and elicitation requests on its session's GET
 * stream, related to no request, so only an upstream session of the downstream session's own makes them routable.
 */
@ExtendWith(VertxExtension.class)
@Timeout(300_000)
class ServerRequestsIT {

    private static final String VERSION = "2025-06-18";
    private static final String SAMPLING = "{\"sampling\":{}}";
    private static final long TARGET_TIMEOUT_MS = 20_000;

    @TempDir
    static Path workDir;
    private static ReferenceServer reference;
    private static TestRelay relay;
    private static HttpPeer peer;

    @BeforeAll
    static void start() throws Exception {
        reference = ReferenceServer.start(workDir);
        relay = startRelay(workDir.resolve("state"), "");
        peer = new HttpPeer(relay.port());
    }

    /** A relay whose only target is the reference server, with {@code extraKeys} (e.g. its sessions mode). */
    private static TestRelay startRelay(Path stateDir, String extraKeys) throws Exception {
        String yaml = TestRelay.withTargets(stateDir, """
                everything: {type: http, url: "%s", prefix: never, timeout: %dms%s}
                """.formatted(reference.url(), TARGET_TIMEOUT_MS, extraKeys));
        return TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    /**
     * GIVEN an HTTP session whose client declared sampling
     * WHEN it calls the server's sampling tool
     * THEN the server's {@code sampling/createMessage} reaches that client under an id of the relay's, the client's
     * answer goes back to the server, and the tool's result is built from it.
     */
    @Test
    void relaysSamplingToTheSessionThatDeclaredIt(Vertx vertx) throws Exception {
        relay.awaitTool(vertx, TestRelay.TOKEN, "test_sampling");
        String session = peer.initialize(TestRelay.TOKEN, VERSION, SAMPLING);
        List<JsonNode> asked = new ArrayList<>();

        // the reference server checks the result against a schema that wants a "method" in it, so the answer has one
        String answer = "{\"method\":\"sampling/createMessage\",\"role\":\"assistant\",\"content\":{\"type\":"
                + "\"text\",\"text\":\"four, says the client\"},\"model\":\"test-model\",\"stopReason\":\"endTurn\"}";
        JsonNode reply = peer.callAnswering(TestRelay.TOKEN, session, 7, "test_sampling",
                "{\"prompt\":\"What is 2+2?\"}", request -> {
                    asked.add(request);
                    return answer;
                });

        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).path("method").asText()).isEqualTo("sampling/createMessage");
        assertThat(asked.get(0).at("/params/messages/0/content/text").asText()).isEqualTo("What is 2+2?");
        assertThat(Requests.text(reply)).isEqualTo("LLM response: four, says the client");
    }

    /**
     * GIVEN an HTTP session whose client declared nothing (tools only)
     * WHEN it calls the server's elicitation tool, whose server asks anyway
     * THEN the relay answers the server with an error at once: the tool reports it long before the target's deadline.
     */
    @Test
    void answersTheServerAtOnceWhenTheClientDidNotDeclareTheCapability(Vertx vertx) throws Exception {
        relay.awaitTool(vertx, TestRelay.TOKEN, "test_sampling");
        String session = peer.initialize(TestRelay.TOKEN, VERSION);
        long started = System.nanoTime();

        JsonNode reply = peer.callAnswering(TestRelay.TOKEN, session, 3, "test_elicitation",
                "{\"message\":\"Your name?\"}", request -> {
                    throw new AssertionError("the relay asked a client that did not declare elicitation: " + request);
                });

        assertThat(Requests.text(reply)).contains("not supported or error");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(TARGET_TIMEOUT_MS / 2);
    }

    /**
     * GIVEN tools-only HTTP sessions and a WebSocket session that declares sampling (as the Xiaozhi cloud does)
     * WHEN they call tools
     * THEN they share the target's one upstream session; a session that declared sampling gets one of its own,
     * which is deleted at the server when the client deletes its session.
     */
    @Test
    void sharesOneUpstreamSessionAmongToolsOnlySessionsAndEndsOwnOnesWithTheirSession(Vertx vertx)
            throws Exception {
        relay.awaitTool(vertx, TestRelay.TOKEN, "test_sampling");
        long opened = reference.count(ReferenceServer.SESSION_OPENED);
        for (int i = 0; i < 3; i++) {
            String toolsOnly = peer.initialize(TestRelay.TOKEN, VERSION);
            assertThat(Requests.text(peer.callAnswering(TestRelay.TOKEN, toolsOnly, 1, "test_simple_text", "{}",
                    request -> "{}")))
                    .isNotEmpty();
        }
        TestSocket xiaozhi = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        xiaozhi.exchange(Requests.initialize(1, VERSION, SAMPLING));
        xiaozhi.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(Requests.text(xiaozhi.exchange(Requests.call(2, "test_simple_text", "{}")))).isNotEmpty();
        assertThat(Requests.text(xiaozhi.exchange(Requests.call(3, "test_sampling", "{\"prompt\":\"hi\"}"))))
                .contains("not supported or error");
        assertThat(reference.count(ReferenceServer.SESSION_OPENED)).isEqualTo(opened);

        String sampling = peer.initialize(TestRelay.TOKEN, VERSION, SAMPLING);
        peer.callAnswering(TestRelay.TOKEN, sampling, 1, "test_simple_text", "{}", request -> "{}");
        assertThat(reference.count(ReferenceServer.SESSION_OPENED)).isEqualTo(opened + 1);
        long deleted = reference.count(ReferenceServer.SESSION_DELETED);
        assertThat(peer.send("DELETE", HttpPeer.headers(TestRelay.TOKEN, sampling), null).statusCode())
                .isEqualTo(200);
        Await.until(vertx, () -> reference.count(ReferenceServer.SESSION_DELETED) == deleted + 1);
        xiaozhi.socket().close();
    }

    /**
     * GIVEN relays whose target says {@code sessions: perSession}, and {@code sessions: shared}
     * WHEN a tools-only session calls a tool on the first, and a session that declared sampling calls the sampling
     * tool on the second
     * THEN the tools-only session got an upstream session of its own; the sampling one did not, and its sampling
     * still reached it, as the one session with a call in flight on the shared upstream session.
     */
    @Test
    void givesEverySessionItsOwnUpstreamSessionPerSessionAndNoneShared(Vertx vertx) throws Exception {
        try (TestRelay perSession = startRelay(workDir.resolve("per-session"), ", sessions: perSession");
                TestRelay shared = startRelay(workDir.resolve("shared"), ", sessions: shared")) {
            perSession.awaitTool(vertx, TestRelay.TOKEN, "test_simple_text");
            shared.awaitTool(vertx, TestRelay.TOKEN, "test_sampling");
            HttpPeer perSessionPeer = new HttpPeer(perSession.port());
            HttpPeer sharedPeer = new HttpPeer(shared.port());
            long opened = reference.count(ReferenceServer.SESSION_OPENED);

            String toolsOnly = perSessionPeer.initialize(TestRelay.TOKEN, VERSION);
            perSessionPeer.callAnswering(TestRelay.TOKEN, toolsOnly, 1, "test_simple_text", "{}", request -> "{}");
            assertThat(reference.count(ReferenceServer.SESSION_OPENED)).isEqualTo(opened + 1);

            String sampling = sharedPeer.initialize(TestRelay.TOKEN, VERSION, SAMPLING);
            List<String> asked = new ArrayList<>();
            JsonNode reply = sharedPeer.callAnswering(TestRelay.TOKEN, sampling, 2, "test_sampling",
                    "{\"prompt\":\"shared?\"}", request -> {
                        asked.add(request.at("/params/messages/0/content/text").asText());
                        return "{\"method\":\"sampling/createMessage\",\"role\":\"assistant\",\"content\":"
                                + "{\"type\":\"text\",\"text\":\"yes\"},\"model\":\"m\"}";
                    });
            assertThat(asked).containsExactly("shared?");
            assertThat(Requests.text(reply)).isEqualTo("LLM response: yes");
            assertThat(reference.count(ReferenceServer.SESSION_OPENED)).isEqualTo(opened + 1);
        }
    }
}
