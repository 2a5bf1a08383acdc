package dev.xiaozhi.relay.upstream.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.AskingStdioServer;
import dev.xiaozhi.relay.support.HttpPeer;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies what a stdio target does with its server's requests for a client: one process serves every session over
 * one MCP session, so such a request goes to the one session with a call in flight there, when its client declared
 * the capability, and is answered with an error at once otherwise.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class StdioServerRequestsTest {

    private static final String VERSION = "2025-06-18";
    private static final long TARGET_TIMEOUT_MS = 20_000;

    /**
     * GIVEN a stdio server whose tool asks its client, and HTTP sessions that declared sampling and roots, or nothing
     * WHEN each calls the tool
     * THEN the sessions that declared the capability are asked and their answers reach the server; the one that did
     * not gets the server's error result long before the target's deadline, its client never asked.
     */
    @Test
    void routesRequestsToTheSessionWithTheCallInFlight(Vertx vertx, @TempDir Path stateDir) throws Exception {
        String yaml = TestRelay.withTargets(stateDir, """
                asker: %s
                """.formatted(AskingStdioServer.target().replace("}", ", timeout: " + TARGET_TIMEOUT_MS
                + "ms}")));
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
            relay.awaitTool(vertx, TestRelay.TOKEN, "asker___ask");
            HttpPeer peer = new HttpPeer(relay.port());
            String declaring = peer.initialize(TestRelay.TOKEN, VERSION, "{\"sampling\":{},\"roots\":{}}");
            String silent = peer.initialize(TestRelay.TOKEN, VERSION);
            List<String> asked = new ArrayList<>();

            JsonNode sampled = peer.callAnswering(TestRelay.TOKEN, declaring, 1, "asker___ask",
                    "{\"method\":\"sampling/createMessage\"}", request -> {
                        asked.add(request.path("method").asText());
                        return "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"sampled\"},"
                                + "\"model\":\"m\"}";
                    });
            JsonNode rooted = peer.callAnswering(TestRelay.TOKEN, declaring, 2, "asker___ask",
                    "{\"method\":\"roots/list\"}", request -> {
                        asked.add(request.path("method").asText());
                        return "{\"roots\":[{\"uri\":\"file:///work\",\"name\":\"work\"}]}";
                    });
            long started = System.nanoTime();
            JsonNode refused = peer.callAnswering(TestRelay.TOKEN, silent, 3, "asker___ask",
                    "{\"method\":\"elicitation/create\"}", request -> {
                        throw new AssertionError("asked a client that declared nothing: " + request);
                    });

            assertThat(asked).containsExactly("sampling/createMessage", "roots/list");
            assertThat(Requests.text(sampled)).startsWith("result: ").contains("\"text\":\"sampled\"");
            assertThat(Requests.text(rooted)).startsWith("result: ").contains("file:///work");
            assertThat(Requests.text(refused)).startsWith("error: ").contains("-32601")
                    .contains("did not declare elicitation");
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(TARGET_TIMEOUT_MS / 2);
        }
    }
}
