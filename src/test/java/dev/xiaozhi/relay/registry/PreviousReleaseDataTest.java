package dev.xiaozhi.relay.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RegistryConfig.PostgresConfig;
import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.registry.store.FileRegistryStore;
import dev.xiaozhi.relay.registry.store.PostgresRegistryStore;
import dev.xiaozhi.relay.registry.store.RegistryStore;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Postgres;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a journal and a PostgreSQL database written by the previous release (see
 * {@code src/test/resources/upgrade/previous-release/README.md}) open with this one: every tenant, device and token
 * works as it did, a revoked device stays revoked, tenants its admin API created get the default sessions per device,
 * and endpoints encrypted with a node's own key are encrypted again with the configured one.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class PreviousReleaseDataTest {

    private static final String DATA = "/upgrade/previous-release/";
    private static final String ADMIN_TOKEN = "xzr_upgrade-admin";
    private static final String CONFIG_ENDPOINT = "ws://127.0.0.1:9/mcp/?token=config-endpoint-secret";
    private static final String ADMIN_ENDPOINT = "ws://127.0.0.1:9/mcp/?token=admin-endpoint-secret";
    private static final byte[] NEW_KEY = EndpointCipher.newKey();

    /** Verifies that a single node's journal opens as it was, its generated endpoint key still its key. */
    @Test
    void aJournalOpensWithItsOwnKey(Vertx vertx, @TempDir Path dir) throws Exception {
        byte[] oldKey = copy("file", dir);

        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(dir, "{store: file}"), dir, Map.of()))) {
            assertWorking(vertx, relay, "file");
        }

        assertEndpoints(vertx, file(vertx, dir), new EndpointCipher(oldKey));
    }

    /**
     * Verifies that a journal opened with a configured {@code registry.encryptionKey} gets its endpoints encrypted
     * with that key, and that they stay so across another start (without the old key file).
     */
    @Test
    void aJournalOpenedWithAConfiguredKeyIsEncryptedAgain(Vertx vertx, @TempDir Path dir) throws Exception {
        copy("file", dir);
        String registry = "{store: file, encryptionKey: \"" + Base64.getEncoder().encodeToString(NEW_KEY) + "\"}";

        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(dir, registry), dir, Map.of()))) {
            assertWorking(vertx, relay, "file");
        }
        assertEndpoints(vertx, file(vertx, dir), new EndpointCipher(NEW_KEY));
        Files.delete(dir.resolve("registry/endpoint.key"));
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(dir, registry), dir, Map.of()))) {
            assertWorking(vertx, relay, "file");
        }
    }

    /**
     * Verifies that a clustered node's PostgreSQL database opens with a configured key: the endpoints it encrypted
     * with the key the cluster shared in Hazelcast (that node's generated one, still in its state directory) are
     * encrypted with the configured key, and every record works.
     */
    @Test
    void aPostgresDatabaseOpensAndItsSharedKeyEndpointsAreEncryptedAgain(Vertx vertx, @TempDir Path dir)
            throws Exception {
        PostgresConfig pg = Postgres.config();
        Postgres.reset(vertx, pg);
        restore(vertx, pg, resource("postgres/registry.sql"));
        copy("postgres", dir);
        String registry = "{store: postgres, postgres: {uri: \"" + pg.uri() + "\", user: \"" + pg.user()
                + "\", password: \"" + pg.password() + "\"}, encryptionKey: \""
                + Base64.getEncoder().encodeToString(NEW_KEY) + "\"}";

        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(dir, registry), dir, Map.of()))) {
            assertWorking(vertx, relay, "postgres");
        }

        assertEndpoints(vertx, PostgresRegistryStore.open(vertx, pg).await(30, TimeUnit.SECONDS),
                new EndpointCipher(NEW_KEY));
    }

    private static void assertWorking(Vertx vertx, TestRelay relay, String data) throws Exception {
        Properties tokens = new Properties();
        tokens.load(new StringReader(resource("tokens.properties")));
        assertThat(admitted(vertx, relay, "/mcp", "xzr_upgrade-kitchen")).isTrue();
        assertThat(admitted(vertx, relay, "/mcp", tokens.getProperty(data + ".shop/till"))).isTrue();
        assertThat(admitted(vertx, relay, "/mcp", tokens.getProperty(data + ".shop/door"))).isTrue();
        assertThat(admitted(vertx, relay, "/mcp", tokens.getProperty(data + ".shop/gone"))).isFalse();
        assertThat(admitted(vertx, relay, "/tools", "xzr_upgrade-provider")).isTrue();
        assertThat(admitted(vertx, relay, "/tools", "xzr_not-the-provider")).isFalse();
        AdminClient admin = new AdminClient(vertx, relay.adminPort(), ADMIN_TOKEN);
        JsonNode shop = Json.parse(admin.get("/tenants/shop").bodyAsString());
        assertThat(shop.at("/limits/maxSessionsPerDevice").asInt()).isEqualTo(TenantLimits.DEFAULT_SESSIONS_PER_DEVICE);
        assertThat(shop.at("/limits/maxDevices").asInt()).isEqualTo(5);
        assertThat(shop.at("/limits/callsPerMinute").asInt()).isEqualTo(600);
        JsonNode devices = Json.parse(admin.get("/tenants/shop/devices").bodyAsString());
        assertThat(devices.toString()).contains("\"till\"", "\"door\"", "\"gone\"");
    }

    /** Asserts that every stored endpoint opens with the cipher (and only those two exist), then closes the store. */
    private static void assertEndpoints(Vertx vertx, RegistryStore store, EndpointCipher cipher) throws Exception {
        try {
            Map<String, String> endpoints = new TreeMap<>();
            for (Map.Entry<String, String> device : store.load().await(30, TimeUnit.SECONDS).get(Registry.DEVICES)
                    .entrySet()) {
                JsonNode sealed = Json.parse(device.getValue()).path("encryptedEndpoint");
                if (!sealed.isNull()) {
                    endpoints.put(device.getKey(), cipher.decrypt(sealed.asText()));
                }
            }
            assertThat(endpoints).containsExactlyInAnyOrderEntriesOf(Map.of("acme/kitchen", CONFIG_ENDPOINT,
                    "shop/till", ADMIN_ENDPOINT));
        } finally {
            store.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static RegistryStore file(Vertx vertx, Path dir) throws Exception {
        return FileRegistryStore.open(vertx, dir.resolve("registry/registry.journal")).await(30, TimeUnit.SECONDS);
    }

    /** Whether a WebSocket with this token is accepted on the path. */
    private static boolean admitted(Vertx vertx, TestRelay relay, String path, String token) {
        try {
            TestSocket socket = TestSocket.connect(vertx, "ws://127.0.0.1:" + relay.port() + path + "?token=" + token);
            if (path.equals("/mcp")) {
                socket.initialize("2024-11-05");
            }
            return true;
        } catch (Exception refused) {
            return false;
        }
    }

    /** The configuration of the previous release's run, on this state directory and registry. */
    private static String yaml(Path dir, String registry) {
        return """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0, tokens: {ops: {tokenHash: "%s"}}}
                targets:
                  calculator: {type: builtin, builtin: calculator}
                  home: {type: provider, tokenHash: "%s"}
                tenants:
                  acme:
                    limits: {maxDevices: 10}
                    devices:
                      kitchen: {tokenHash: "%s", endpoint: "%s"}
                registry: %s
                """.formatted(dir, TokenHash.ofPlain(ADMIN_TOKEN), TokenHash.ofPlain("xzr_upgrade-provider"),
                TokenHash.ofPlain("xzr_upgrade-kitchen"), CONFIG_ENDPOINT, registry);
    }

    /** Copies a data set's state files into the state directory; the old endpoint key. */
    private static byte[] copy(String data, Path dir) throws Exception {
        Files.createDirectories(dir.resolve("registry"));
        for (String name : new String[] {"registry.journal", "endpoint.key"}) {
            String path = DATA + data + "/registry/" + name;
            try (InputStream in = PreviousReleaseDataTest.class.getResourceAsStream(path)) {
                if (in != null) {
                    Files.copy(in, dir.resolve("registry").resolve(name));
                }
            }
        }
        return Base64.getDecoder().decode(Files.readString(dir.resolve("registry/endpoint.key")).trim());
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = PreviousReleaseDataTest.class.getResourceAsStream(DATA + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Runs a plain {@code pg_dump}'s statements (psql's own backslash commands left out). */
    private static void restore(Vertx vertx, PostgresConfig config, String dump) throws Exception {
        String sql = dump.lines().filter(line -> !line.startsWith("\\") && !line.startsWith("--"))
                .collect(Collectors.joining("\n"));
        Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(config.uri()).setUser(config.user())
                .setPassword(config.password())).using(vertx).build();
        try {
            pool.query(sql).execute().await(30, TimeUnit.SECONDS);
        } finally {
            pool.close().await(30, TimeUnit.SECONDS);
        }
    }
}
