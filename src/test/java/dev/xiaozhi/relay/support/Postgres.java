package dev.xiaozhi.relay.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xiaozhi.relay.config.RegistryConfig.PostgresConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/**
 * The real PostgreSQL server that registry tests run against, named by {@code RELAY_TEST_PG_URI},
 * {@code RELAY_TEST_PG_USER} and {@code RELAY_TEST_PG_PASSWORD} ({@code .ci/run} installs and starts one and sets
 * them). Without them a test is skipped with that instruction; with {@code -Drelay.requirePostgres=true} (set by
 * {@code .ci/run}) it fails instead.
 */
public final class Postgres {

    private Postgres() {
    }

    /** The server's connection; skips (or fails) the test when none is configured. */
    public static PostgresConfig config() {
        String uri = System.getenv("RELAY_TEST_PG_URI");
        boolean present = uri != null && !uri.isBlank();
        String instruction = "PostgreSQL tests need a server: set RELAY_TEST_PG_URI (postgresql://host:port/db), "
                + "RELAY_TEST_PG_USER and RELAY_TEST_PG_PASSWORD, as .ci/run does";
        if (Boolean.getBoolean("relay.requirePostgres") && !present) {
            throw new IllegalStateException(instruction);
        }
        assumeTrue(present, instruction);
        return new PostgresConfig(uri, System.getenv().getOrDefault("RELAY_TEST_PG_USER", "postgres"),
                System.getenv().getOrDefault("RELAY_TEST_PG_PASSWORD", ""), 4);
    }

    /** Drops the registry's tables, so that a test starts from an empty database. */
    public static void reset(Vertx vertx, PostgresConfig config) throws Exception {
        Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(config.uri()).setUser(config.user())
                .setPassword(config.password())).using(vertx).build();
        try {
            pool.query("DROP TABLE IF EXISTS relay_registry, relay_schema").execute().await(30, TimeUnit.SECONDS);
        } finally {
            pool.close().await(30, TimeUnit.SECONDS);
        }
    }
}
