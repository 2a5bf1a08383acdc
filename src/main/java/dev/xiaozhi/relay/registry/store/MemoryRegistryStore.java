package dev.xiaozhi.relay.registry.store;

import io.vertx.core.Future;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The {@code memory} store: keeps nothing beyond the process, for one-shot modes such as {@code pipe}. */
public final class MemoryRegistryStore implements RegistryStore {

    private final Map<String, Map<String, String>> records = new ConcurrentHashMap<>();

    @Override
    public Future<Map<String, Map<String, String>>> load() {
        Map<String, Map<String, String>> copy = new TreeMap<>();
        records.forEach((collection, byKey) -> copy.put(collection, Map.copyOf(byKey)));
        return Future.succeededFuture(copy);
    }

    @Override
    public Future<Void> put(String collection, String key, String json) {
        records.computeIfAbsent(collection, c -> new ConcurrentHashMap<>()).put(key, json);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> putAll(String collection, Map<String, String> batch) {
        records.computeIfAbsent(collection, c -> new ConcurrentHashMap<>()).putAll(batch);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> delete(String collection, String key) {
        records.computeIfPresent(collection, (c, byKey) -> {
            byKey.remove(key);
            return byKey;
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }
}
