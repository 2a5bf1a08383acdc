package dev.xiaozhi.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.SsePeer;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the fleet's event stream on the admin port: the fleet on its tick, sessions, and registry changes. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class FleetEventsTest {

    @TempDir
    Path stateDir;
    private TestRelay relay;

    @BeforeEach
    void start() throws Exception {
        relay = TestRelay.start(stateDir, "");
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
    }

    /**
     * Verifies that a reader's stream tells of a session as it opens and of its device's revocation.
     * GIVEN a fleet stream opened with a reader token
     * WHEN kitchen opens a WebSocket session, and is then revoked through the admin API
     * THEN the stream sends the fleet, the session's opening, the registry change "revoked" and the session's end.
     */
    @Test
    void streamsTheFleetSessionsAndRevocations(Vertx vertx) throws Exception {
        try (SsePeer stream = SsePeer.open(relay.adminPort(), "/admin/v1/fleet/events",
                Map.of("Authorization", "Bearer " + TestRelay.READER_TOKEN))) {
            JsonObject fleet = new JsonObject(stream.nextEvent("fleet"));
            TestSocket kitchen = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            kitchen.initialize("2024-11-05");
            JsonObject opened = new JsonObject(stream.nextEvent("session"));
            new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN)
                    .post("/tenants/acme/devices/kitchen/revoke", null);
            JsonObject revoked = new JsonObject(stream.nextEvent("registry"));
            JsonObject closed = new JsonObject(stream.nextEvent("session"));

            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type)
                    .startsWith("text/event-stream"));
            assertThat(fleet.getJsonArray("nodes")).hasSize(1);
            assertThat(opened.getString("device")).isEqualTo("kitchen");
            assertThat(opened.getString("front")).isEqualTo("websocket");
            assertThat(opened.getBoolean("open")).isTrue();
            assertThat(revoked).isEqualTo(new JsonObject().put("tenant", "acme").put("device", "kitchen")
                    .put("change", "revoked"));
            assertThat(closed.getString("device")).isEqualTo("kitchen");
            assertThat(closed.getBoolean("open")).isFalse();
            assertThat(kitchen.awaitClose()).isEqualTo((short) 1008);
        }
    }
}
