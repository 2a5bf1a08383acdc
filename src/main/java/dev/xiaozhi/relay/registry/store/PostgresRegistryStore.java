package dev.xiaozhi.relay.registry.store;

import dev.xiaozhi.relay.config.RegistryConfig.PostgresConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code postgres} store, for a cluster: one table of records keyed by collection and key, written with an
 * upsert that completes once PostgreSQL committed it. The schema is created on start and migrated forward by the
 * version kept in {@code relay_schema}; a database of a newer version than this relay knows is refused.
 */
public final class PostgresRegistryStore implements RegistryStore {

    /** The schema version this relay writes. */
    static final int SCHEMA_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(PostgresRegistryStore.class);
    private static final String UPSERT = "INSERT INTO relay_registry (collection, key, record) "
            + "VALUES ($1, $2, CAST($3::text AS jsonb)) "
            + "ON CONFLICT (collection, key) DO UPDATE SET record = EXCLUDED.record, updated_at = now()";
    private static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE IF NOT EXISTS relay_registry (
              collection TEXT NOT NULL,
              key TEXT NOT NULL,
              record JSONB NOT NULL,
              updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              PRIMARY KEY (collection, key))""");

    private final Pool pool;

    private PostgresRegistryStore(Pool pool) {
        this.pool = pool;
    }

    /** Connects, then creates or migrates the schema. */
    public static Future<PostgresRegistryStore> open(Vertx vertx, PostgresConfig config) {
        PgConnectOptions connect = PgConnectOptions.fromUri(config.uri()).setUser(config.user());
        if (!config.password().isEmpty()) {
            connect.setPassword(config.password());
        }
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.poolSize())).connectingTo(connect)
                .using(vertx).build();
        PostgresRegistryStore store = new PostgresRegistryStore(pool);
        return store.migrate().map(store).recover(e -> pool.close().transform(closed -> Future.failedFuture(
                new IllegalStateException("registry database " + config.uri() + " cannot be used: "
                        + e.getMessage(), e))));
    }

    private Future<Void> migrate() {
        return pool.withTransaction(conn -> conn.query("CREATE TABLE IF NOT EXISTS relay_schema (version INT NOT NULL)")
                .execute()
                .compose(v -> conn.query("LOCK TABLE relay_schema IN EXCLUSIVE MODE").execute())
                .compose(v -> conn.query("SELECT max(version) FROM relay_schema").execute())
                .compose(rows -> {
                    Integer found = rows.iterator().next().getInteger(0);
                    int current = found == null ? 0 : found;
                    if (current > SCHEMA_VERSION) {
                        return Future.failedFuture("its schema version " + current + " is newer than this relay's "
                                + SCHEMA_VERSION);
                    }
                    Future<Void> step = Future.succeededFuture();
                    for (int version = current + 1; version <= SCHEMA_VERSION; version++) {
                        String sql = MIGRATIONS.get(version - 1);
                        int next = version;
                        step = step.compose(v -> conn.query(sql).execute())
                                .compose(v -> conn.preparedQuery("INSERT INTO relay_schema (version) VALUES ($1)")
                                        .execute(Tuple.of(next)))
                                .onSuccess(v -> LOG.info("registry schema migrated [version: {}]", next))
                                .mapEmpty();
                    }
                    return step;
                }));
    }

    @Override
    public Future<Map<String, Map<String, String>>> load() {
        return pool.query("SELECT collection, key, record::text FROM relay_registry").execute().map(rows -> {
            Map<String, Map<String, String>> records = new TreeMap<>();
            for (Row row : rows) {
                records.computeIfAbsent(row.getString(0), c -> new TreeMap<>()).put(row.getString(1),
                        row.getString(2));
            }
            return records;
        });
    }

    @Override
    public Future<Void> put(String collection, String key, String json) {
        return pool.preparedQuery(UPSERT).execute(Tuple.of(collection, key, json)).mapEmpty();
    }

    @Override
    public Future<Void> putAll(String collection, Map<String, String> records) {
        if (records.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>(records.size());
        records.forEach((key, json) -> rows.add(Tuple.of(collection, key, json)));
        return pool.withTransaction(connection -> connection.preparedQuery(UPSERT).executeBatch(rows)).mapEmpty();
    }

    @Override
    public Future<Void> delete(String collection, String key) {
        return pool.preparedQuery("DELETE FROM relay_registry WHERE collection = $1 AND key = $2")
                .execute(Tuple.of(collection, key)).mapEmpty();
    }

    @Override
    public Future<Void> close() {
        return pool.close();
    }
}
