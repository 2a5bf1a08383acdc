package dev.xiaozhi.relay.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.ClusterCertificates;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.RelayProcess;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the registry's checks before a create hold across the nodes of a cluster: admin requests sent at
 * once to two nodes create a tenant id or a device id only once, and never more devices than the tenant's limit.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class RegistryRaceIT {

    private static final int REQUESTS = 12;

    private final List<RelayProcess> nodes = new ArrayList<>();
    private final List<AdminClient> admins = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RelayProcess node : nodes) {
            node.close();
        }
    }

    /**
     * GIVEN two clustered nodes
     * WHEN the same tenant, the same device and more devices than the limit are each created by requests sent at
     * once, half to each node
     * THEN exactly one of each id is created, the others get 409, and the limit's extra devices get 422.
     */
    @Test
    void createsEachIdOnceAndNoMoreDevicesThanTheLimit(Vertx vertx, @TempDir Path dir) throws Exception {
        startCluster(vertx, dir);

        List<Integer> tenant = concurrently(i -> new JsonObject().put("id", "race").put("limits",
                new JsonObject().put("maxDevices", 3)), "/tenants");
        List<Integer> limited = concurrently(i -> new JsonObject().put("id", "d" + i), "/tenants/race/devices");
        assertThat(admins.get(0).post("/tenants", new JsonObject().put("id", "open")).statusCode()).isEqualTo(201);
        List<Integer> twins = concurrently(i -> new JsonObject().put("id", "twin"), "/tenants/open/devices");

        assertThat(counts(tenant)).isEqualTo(Map.of(201, 1L, 409, (long) REQUESTS - 1));
        assertThat(counts(limited)).isEqualTo(Map.of(201, 3L, 422, (long) REQUESTS - 3));
        assertThat(counts(twins)).isEqualTo(Map.of(201, 1L, 409, (long) REQUESTS - 1));
        for (AdminClient admin : admins) {
            assertThat(Json.parse(admin.get("/tenants/race/devices").bodyAsString()).path("items").size())
                    .isEqualTo(3);
        }
    }

    /** Sends {@link #REQUESTS} POSTs at once, alternating between the nodes; their statuses. */
    private List<Integer> concurrently(IntFunction<JsonObject> body, String path) throws Exception {
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            sent.add(admins.get(i % admins.size()).sendAsync(HttpMethod.POST, path, body.apply(i)));
        }
        Future.join(sent).await(60, TimeUnit.SECONDS);
        return sent.stream().map(response -> response.result().statusCode()).toList();
    }

    private static Map<Integer, Long> counts(List<Integer> statuses) {
        return statuses.stream().collect(Collectors.groupingBy(status -> status, Collectors.counting()));
    }

    private void startCluster(Vertx vertx, Path dir) throws Exception {
        int[] hazelcast = FreePorts.take(2);
        int[] eventBus = FreePorts.take(2);
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, """
                node: {stateDir: "${env:STATE_DIR}"}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0, tokens: {ops: {tokenHash: "%s"}}}
                cluster:
                  enabled: true
                  hazelcastConfig: %s
                  host: 127.0.0.1
                  hazelcastPort: ${env:HZ_PORT}
                  eventBusPort: ${env:EB_PORT}
                  members: "127.0.0.1:%d,127.0.0.1:%d"
                  secret: "%s"
                  %s
                registry: {store: memory, encryptionKey: "%s"}
                targets:
                  calculator: {type: builtin, builtin: calculator}
                """.formatted(TokenHash.ofPlain(TestRelay.ADMIN_TOKEN), Path.of("cluster.xml").toAbsolutePath(),
                hazelcast[0], hazelcast[1], "registry-race-it-" + UUID.randomUUID(),
                ClusterCertificates.generate(dir.resolve("tls"), "registry-race").yaml(),
                Base64.getEncoder().encodeToString(new byte[32])));
        for (int i = 0; i < 2; i++) {
            nodes.add(RelayProcess.start(Map.of("STATE_DIR", dir.resolve("node" + i).toString(),
                    "HZ_PORT", Integer.toString(hazelcast[i]), "EB_PORT", Integer.toString(eventBus[i])),
                    "--config", config.toString()));
        }
        for (RelayProcess node : nodes) {
            admins.add(new AdminClient(vertx, node.awaitReady()[1], TestRelay.ADMIN_TOKEN));
        }
    }
}
