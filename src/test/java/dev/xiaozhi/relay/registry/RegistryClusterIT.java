package dev.xiaozhi.relay.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.RelayProcess;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the registry across a cluster of two relay processes: a device added through one node's admin API is let
 * in by the other, and revoking it there closes its session on the other node within a second.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class RegistryClusterIT {

    /** Verifies that what one node's admin API writes holds on the other node at once. */
    @Test
    void sharesTheRegistryAcrossNodes(Vertx vertx, @TempDir Path dir) throws Exception {
        int[] hazelcastPorts = FreePorts.take(2);
        int[] eventBusPorts = FreePorts.take(2);
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, TestRelay.yaml(dir.resolve("${env:NODE}"), "") + """
                cluster:
                  enabled: true
                  hazelcastConfig: %s
                  host: 127.0.0.1
                  hazelcastPort: ${env:HZ_PORT}
                  eventBusPort: ${env:EB_PORT}
                  members: "127.0.0.1:%d,127.0.0.1:%d"
                """.formatted(Path.of("cluster.xml").toAbsolutePath(), hazelcastPorts[0], hazelcastPorts[1]));
        try (RelayProcess first = node(config, "a", hazelcastPorts[0], eventBusPorts[0]);
                RelayProcess second = node(config, "b", hazelcastPorts[1], eventBusPorts[1])) {
            AdminClient adminOfFirst = new AdminClient(vertx, first.awaitReady()[1], TestRelay.ADMIN_TOKEN);
            int portOfSecond = second.awaitReady()[0];

            String token = adminOfFirst.post("/tenants/acme/devices", new JsonObject().put("id", "roaming"))
                    .bodyAsJsonObject().getString("token");
            TestSocket session = TestSocket.connect(vertx, "ws://127.0.0.1:" + portOfSecond + "/mcp?token=" + token);
            session.initialize("2024-11-05");
            long revokedAt = System.nanoTime();
            assertThat(adminOfFirst.post("/tenants/acme/devices/roaming/revoke", null).statusCode()).isEqualTo(200);

            assertThat(session.awaitClose()).isEqualTo((short) 1008);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt)).isLessThan(1000);
        }
    }

    private static RelayProcess node(Path config, String name, int hazelcastPort, int eventBusPort) throws Exception {
        return RelayProcess.start(Map.of("NODE", name, "HZ_PORT", Integer.toString(hazelcastPort), "EB_PORT",
                Integer.toString(eventBusPort)), "--config", config.toString());
    }
}
