package dev.xiaozhi.relay.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.config.RegistryConfig.PostgresConfig;
import dev.xiaozhi.relay.support.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Verifies the PostgreSQL store against a real server: schema set-up and migration, writes, reads. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class PostgresRegistryStoreTest {

    private PostgresConfig config;

    @BeforeEach
    void reset(Vertx vertx) throws Exception {
        config = Postgres.config();
        Postgres.reset(vertx, config);
    }

    /** Verifies that the schema is created on first start, kept on the next, and records round-trip. */
    @Test
    void createsItsSchemaAndKeepsRecords(Vertx vertx) throws Exception {
        PostgresRegistryStore store = await(PostgresRegistryStore.open(vertx, config));
        await(store.put("tenants", "acme", "{\"id\":\"acme\",\"name\":\"Acme\"}"));
        await(store.put("devices", "acme/kitchen", "{\"id\":\"kitchen\"}"));
        await(store.put("devices", "acme/kitchen", "{\"id\":\"kitchen\",\"name\":\"Kitchen\"}"));
        await(store.put("devices", "acme/hall", "{\"id\":\"hall\"}"));
        await(store.delete("devices", "acme/hall"));
        await(store.delete("devices", "acme/never"));
        await(store.putAll("devices", Map.of("acme/porch", "{\"id\":\"porch\"}", "acme/kitchen",
                "{\"id\":\"kitchen\",\"name\":\"Kitchen\"}")));
        await(store.close());

        PostgresRegistryStore reopened = await(PostgresRegistryStore.open(vertx, config));

        Map<String, Map<String, String>> loaded = await(reopened.load());
        assertThat(loaded.get("devices")).containsOnlyKeys("acme/kitchen", "acme/porch");
        assertThat(loaded.get("devices").get("acme/kitchen")).contains("\"name\": \"Kitchen\"");
        assertThat(loaded.get("tenants")).containsOnlyKeys("acme");
        assertThat(await(query(vertx, "SELECT count(*) FROM relay_schema"))).isEqualTo(1);
        await(reopened.close());
    }

    /** Verifies that a database of a newer schema than this relay knows is refused with a clear message. */
    @Test
    void refusesANewerSchema(Vertx vertx) throws Exception {
        await(await(PostgresRegistryStore.open(vertx, config)).close());
        await(query(vertx, "INSERT INTO relay_schema (version) VALUES (" + (PostgresRegistryStore.SCHEMA_VERSION + 1)
                + ") RETURNING version"));

        assertThatThrownBy(() -> await(PostgresRegistryStore.open(vertx, config)))
                .hasMessageContaining("cannot be used").hasMessageContaining("is newer than this relay's");
    }

    private Future<Integer> query(Vertx vertx, String sql) {
        Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(config.uri()).setUser(config.user())
                .setPassword(config.password())).using(vertx).build();
        return pool.query(sql).execute().map(rows -> rows.iterator().next().getInteger(0))
                .eventually(pool::close);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(30, TimeUnit.SECONDS);
    }
}
