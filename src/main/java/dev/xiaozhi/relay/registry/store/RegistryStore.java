package dev.xiaozhi.relay.registry.store;

import io.vertx.core.Future;
import java.util.Map;

/**
 * The durable store behind the live registry. Records are JSON texts keyed by collection ({@code tenants},
 * {@code devices}, {@code providers}) and key; a write's future completes only once the write is durable, so an
 * acknowledged write survives a crash of the process. Implementations never block an event loop.
 */
public interface RegistryStore {

    /** Every stored record: collection → key → JSON text. */
    Future<Map<String, Map<String, String>>> load();

    /** Inserts or replaces a record; completes once it is durable. */
    Future<Void> put(String collection, String key, String json);

    /**
     * Inserts or replaces records of one collection (key → JSON text) as one write; completes once all are durable.
     * A start importing thousands of devices from its configuration makes them durable together, not one by one.
     */
    Future<Void> putAll(String collection, Map<String, String> records);

    /** Removes a record (a missing one is fine); completes once the removal is durable. */
    Future<Void> delete(String collection, String key);

    /** Releases files, connections and threads. */
    Future<Void> close();
}
