package dev.xiaozhi.relay.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.RegistryConfig.PostgresConfig;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Postgres;
import dev.xiaozhi.relay.support.RelayProcess;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that an acknowledged registry write survives {@code kill -9} of the relay process, with the file store and
 * with PostgreSQL: streams of admin writes run until the process is killed, then a new process must hold every write
 * that was answered with success.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class RegistryCrashIT {

    private static final int STREAMS = 4;
    private static final int KILL_AFTER_ACKNOWLEDGED = 60;

    @TempDir
    Path dir;

    /** Verifies that every acknowledged write is in the file journal after kill -9. */
    @Test
    void keepsEveryAcknowledgedWriteInTheFile(Vertx vertx) throws Exception {
        crashAndRecover(vertx, "");
    }

    /** Verifies that every acknowledged write is in PostgreSQL after kill -9. */
    @Test
    void keepsEveryAcknowledgedWriteInPostgres(Vertx vertx) throws Exception {
        PostgresConfig pg = Postgres.config();
        Postgres.reset(vertx, pg);
        crashAndRecover(vertx, """
                registry:
                  store: postgres
                  postgres: {uri: "%s", user: "%s", password: "%s"}
                """.formatted(pg.uri(), pg.user(), pg.password()));
    }

    private void crashAndRecover(Vertx vertx, String registryYaml) throws Exception {
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, TestRelay.yaml(dir, "") + registryYaml);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (RelayProcess relay = RelayProcess.start(Map.of(), "--config", config.toString())) {
            AdminClient admin = new AdminClient(vertx, relay.awaitReady()[1], TestRelay.ADMIN_TOKEN);
            assertThat(admin.post("/tenants", new JsonObject().put("id", "crash")).statusCode()).isEqualTo(201);
            acknowledged.add("tenant");
            AtomicBoolean killed = new AtomicBoolean();
            Promise<Void> enough = Promise.promise();
            List<Future<Void>> streams = new ArrayList<>();
            for (int s = 0; s < STREAMS; s++) {
                streams.add(writeUntilKilled(admin, "s" + s + "-", 0, acknowledged, killed, enough));
            }
            enough.future().await(60, TimeUnit.SECONDS);
            relay.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            killed.set(true);
            Future.join(streams).await(60, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).hasSizeGreaterThan(KILL_AFTER_ACKNOWLEDGED);

        try (RelayProcess restarted = RelayProcess.start(Map.of(), "--config", config.toString())) {
            AdminClient admin = new AdminClient(vertx, restarted.awaitReady()[1], TestRelay.ADMIN_TOKEN);
            JsonObject devices = admin.get("/tenants/crash/devices?limit=1000").bodyAsJsonObject();
            Set<String> present = ConcurrentHashMap.newKeySet();
            devices.getJsonArray("items").forEach(d -> present.add(((JsonObject) d).getString("id")));
            acknowledged.remove("tenant");
            assertThat(present).containsAll(acknowledged);
        }
    }

    /** Creates devices one after the other until the relay dies; records each creation that was answered 201. */
    private Future<Void> writeUntilKilled(AdminClient admin, String prefix, int n, Set<String> acknowledged,
            AtomicBoolean killed, Promise<Void> enough) {
        String id = prefix + n;
        return admin.sendAsync(HttpMethod.POST, "/tenants/crash/devices",
                new JsonObject().put("id", id)).transform(answer -> {
                    if (answer.succeeded() && answer.result().statusCode() == 201) {
                        acknowledged.add(id);
                        if (acknowledged.size() > KILL_AFTER_ACKNOWLEDGED) {
                            enough.tryComplete();
                        }
                    }
                    if (killed.get() || answer.failed()) {
                        return Future.succeededFuture();
                    }
                    return writeUntilKilled(admin, prefix, n + 1, acknowledged, killed, enough);
                });
    }
}
