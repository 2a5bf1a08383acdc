package dev.xiaozhi.relay.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.registry.store.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One collection of the registry: live in a {@link LiveMap} (shared by every member of a cluster), written
 * through to the durable store before a write completes. Futures complete on the caller's context. A map that
 * {@code shares} its records keeps the last record it read of each key and hands it out again while the key's JSON
 * is unchanged: every session of a tenant then holds the same tenant id, limits and policy rule, not a copy of its
 * own (meant for small collections, such as tenants: one record a key stays in memory).
 *
 * @param <T> the record type, stored as JSON
 */
final class DurableMap<T> {

    private final Vertx vertx;
    private final LiveMap live;
    private final RegistryStore store;
    private final String collection;
    private final Class<T> type;
    private final Map<String, Read<T>> lastRead;

    /** A record as read, and the JSON it was read from. */
    private record Read<T>(String json, T value) {
    }

    DurableMap(Vertx vertx, LiveMap live, RegistryStore store, String collection, Class<T> type, boolean shares) {
        this.vertx = vertx;
        this.live = live;
        this.store = store;
        this.collection = collection;
        this.type = type;
        this.lastRead = shares ? new ConcurrentHashMap<>() : null;
    }

    Future<Optional<T>> get(String key) {
        return on(live.get(key)).map(json -> Optional.ofNullable(json).map(found -> read(key, found)));
    }

    private T read(String key, String json) {
        if (lastRead == null) {
            return parse(json);
        }
        Read<T> last = lastRead.get(key);
        if (last != null && last.json().equals(json)) {
            return last.value();
        }
        T value = parse(json);
        lastRead.put(key, new Read<>(json, value));
        return value;
    }

    /** Stores durably, then makes it live. */
    Future<Void> put(String key, T value) {
        String json = write(value);
        return store.put(collection, key, json).compose(v -> on(live.set(key, json))).mapEmpty();
    }

    /** Stores records (key → value) durably as one write, then makes each live. */
    Future<Void> putAll(Map<String, T> values) {
        Map<String, String> json = new LinkedHashMap<>();
        values.forEach((key, value) -> json.put(key, write(value)));
        return store.putAll(collection, json).compose(v -> Future.all(json.entrySet().stream()
                .map(entry -> on(live.set(entry.getKey(), entry.getValue()))).toList())).mapEmpty();
    }

    /** Removes durably, then from the live map. */
    Future<Void> delete(String key) {
        if (lastRead != null) {
            lastRead.remove(key);
        }
        return store.delete(collection, key).compose(v -> on(live.remove(key)));
    }

    /** Every record, ordered by key. */
    Future<List<T>> values() {
        return vertx.executeBlocking(() -> {
            List<T> values = new ArrayList<>();
            new TreeMap<>(live.snapshot()).values().forEach(json -> values.add(parse(json)));
            return values;
        }, false);
    }

    /** Fills the live map from stored records (start-up, on a worker). */
    void load(Map<String, String> stored) {
        live.putAll(stored);
    }

    boolean isEmpty() {
        return live.isEmpty();
    }

    private <R> Future<R> on(CompletionStage<R> stage) {
        return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
    }

    private T parse(String json) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + collection + " record", e);
        }
    }

    private String write(T value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + collection + " record", e);
        }
    }
}
