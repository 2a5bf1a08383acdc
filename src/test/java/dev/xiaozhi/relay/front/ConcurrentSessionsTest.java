package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that many sessions calling at once each get their own correct answers under their own ids (sessions of one
 * device, so its tenant lifts {@code maxSessionsPerDevice}).
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class ConcurrentSessionsTest {

    private static final int SESSIONS = 200;
    private static final int CALLS_PER_SESSION = 5;

    /** Verifies that 200 concurrent sessions making calculator calls all get correct results and ids. */
    @Test
    void answersEveryCallOf200ConcurrentSessions(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(TestRelay.yaml(stateDir, "").replace("  acme:\n",
                "  acme:\n    limits: {maxSessionsPerDevice: 0}\n"), stateDir, Map.of()))) {
            WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setMaxConnections(SESSIONS));
            List<Future<Void>> sessions = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                int session = s;
                sessions.add(client.connect(relay.port(), "127.0.0.1", "/mcp?token=" + TestRelay.TOKEN)
                        .compose(socket -> converse(socket, session)));
            }

            Future.all(sessions).await(90, TimeUnit.SECONDS);

            assertThat(sessions).allMatch(Future::succeeded);
        }
    }

    /** Initializes, then makes the session's calls one after another, checking every answer against its id. */
    private static Future<Void> converse(WebSocket socket, int session) {
        Promise<Void> done = Promise.promise();
        socket.textMessageHandler(text -> {
            try {
                JsonNode reply = Json.parse(text);
                long id = reply.get("id").asLong();
                if (id != 0 && !Long.toString(id).equals(reply.at("/result/content/0/text").asText())) {
                    done.tryFail("session " + session + " got " + text);
                } else if (id % 1000 == CALLS_PER_SESSION) {
                    socket.close().onComplete(v -> done.tryComplete());
                } else {
                    long next = id == 0 ? session * 1000L + 1 : id + 1;
                    socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":" + next + ",\"method\":\"tools/call\","
                            + "\"params\":{\"name\":\"calculator___evaluate\",\"arguments\":{\"expression\":\""
                            + session + " * 1000 + " + next % 1000 + "\"}}}");
                }
            } catch (Exception e) {
                done.tryFail(e);
            }
        });
        socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},\"clientInfo\":{\"name\":\"load\"}}}");
        return done.future();
    }
}
