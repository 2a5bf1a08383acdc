package dev.xiaozhi.relay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where the registry of tenants and devices is kept durably, and how its secrets are protected.
 *
 * @param store         {@code file} (the default: a journal under the state directory), {@code postgres} (for a
 *                      cluster) or {@code memory} (nothing kept; for one-shot modes)
 * @param file          the journal of the {@code file} store
 * @param postgres      the connection of the {@code postgres} store
 * @param encryptionKey base64 of 32 bytes that encrypt device endpoints at rest, whatever the store; empty to have one
 *                      generated under the state directory (in memory for the memory store; one node only)
 * @param rotationGrace how long a device's previous token keeps working after a rotation, unless the rotation says
 */
public record RegistryConfig(StoreKind store, Path file, Optional<PostgresConfig> postgres,
        Optional<String> encryptionKey, Duration rotationGrace) {

    /** Default grace of a rotated token. */
    public static final Duration DEFAULT_ROTATION_GRACE = Duration.ofHours(1);

    /** The kinds of durable store. */
    public enum StoreKind {
        /** An append-only journal file with fsync. */
        FILE,
        /** A PostgreSQL database. */
        POSTGRES,
        /** Nothing durable. */
        MEMORY
    }

    /**
     * A PostgreSQL connection.
     *
     * @param uri      {@code postgresql://host:port/database}
     * @param user     role
     * @param password its password; may be empty (e.g. trust or peer authentication)
     * @param poolSize connections per node
     */
    public record PostgresConfig(String uri, String user, String password, int poolSize) {

        @Override
        public String toString() {
            return "PostgresConfig[uri=" + uri + ", user=" + user + "]";
        }
    }

    @Override
    public String toString() {
        return "RegistryConfig[store=" + store + ", file=" + file + ", postgres=" + postgres + ", encryptionKey="
                + (encryptionKey.isPresent() ? "set" : "generated") + ", rotationGrace=" + rotationGrace + "]";
    }

    static RegistryConfig from(ConfigNode node, Path stateDir) {
        node.object("store", "file", "postgres", "encryptionKey", "rotationGrace");
        StoreKind store = node.oneOf("store", new TreeMap<>(Map.of("file", StoreKind.FILE, "postgres",
                StoreKind.POSTGRES, "memory", StoreKind.MEMORY)), StoreKind.FILE);
        Optional<PostgresConfig> postgres = Optional.empty();
        if (node.has("postgres")) {
            ConfigNode pg = node.child("postgres").object("uri", "user", "password", "poolSize");
            String uri = pg.requiredString("uri");
            if (!uri.matches("^postgres(ql)?://.+")) {
                throw pg.child("uri").error("expected a postgresql://host[:port]/database URI");
            }
            postgres = Optional.of(new PostgresConfig(uri, pg.string("user", "postgres"), pg.string("password", ""),
                    pg.integer("poolSize", 1, 100, 4)));
        } else if (store == StoreKind.POSTGRES) {
            throw node.child("postgres").error("required when store is postgres");
        }
        Optional<String> key = node.optionalString("encryptionKey").filter(text -> !text.isEmpty());
        if (key.isPresent() && !key.get().matches("^[A-Za-z0-9+/]{43}=$")) {
            throw node.child("encryptionKey").error("expected base64 of 32 bytes (44 characters)");
        }
        Path file = node.optionalString("file").filter(text -> !text.isEmpty()).map(Path::of)
                .orElse(stateDir.resolve("registry").resolve("registry.journal"));
        return new RegistryConfig(store, file, postgres, key,
                node.duration("rotationGrace", DEFAULT_ROTATION_GRACE));
    }
}
