package dev.xiaozhi.relay.upstream;

import static dev.xiaozhi.relay.support.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.NodePeers;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that what a session asked of a Streamable HTTP server lasts when the server restarts and forgets its
 * sessions: {@code @modelcontextprotocol/server-everything} as an {@code http} target, restarted on the same port.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class UpstreamRestartIT {

    private static final String URI = "demo://resource/dynamic/text/1";
    private static final long UPDATE_WAIT_MS = 60_000;

    private Process server;
    private TestRelay relay;

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (server != null) {
            server.destroy();
            server.waitFor();
        }
    }

    /**
     * Verifies that a subscription outlives the server's restart.
     * GIVEN a device subscribed to a resource (so that it has an upstream session of its own); WHEN the server
     * restarts, forgetting that session, and the device then asks for updates; THEN the relay opened a new upstream
     * session and subscribed it again, and the device hears the resource's updates.
     */
    @Test
    void keepsASessionsSubscriptionAcrossAServerRestart(Vertx vertx, @TempDir Path stateDir) throws Exception {
        int port = FreePorts.take(1)[0];
        server = NodePeers.serveEverything("streamableHttp", port);
        String yaml = TestRelay.withTargets(stateDir, """
                plain: {type: http, url: "http://127.0.0.1:%d/mcp", prefix: never}
                """.formatted(port));
        relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize("2025-06-18");
        Await.until(vertx, () -> device.exchange(request("\"t\"", "tools/list", "{}")).toString()
                .contains("toggle-subscriber-updates"));
        JsonNode subscribed = device.exchange(request("1", "resources/subscribe", "{\"uri\":\"" + URI + "\"}"));

        server.destroy();
        server.waitFor();
        server = NodePeers.serveEverything("streamableHttp", port);
        Await.until(vertx, 60_000, () -> device.exchange(request("\"c\"", "tools/call",
                "{\"name\":\"toggle-subscriber-updates\"}")).at("/result/content/0/text").asText()
                .startsWith("Started"));
        JsonNode update = device.nextNotification("notifications/resources/updated", UPDATE_WAIT_MS);

        assertThat(subscribed.has("result")).as(subscribed.toString()).isTrue();
        assertThat(update.at("/params/uri").asText()).isEqualTo(URI);
    }
}
