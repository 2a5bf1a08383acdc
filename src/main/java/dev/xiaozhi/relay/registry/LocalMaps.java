package dev.xiaozhi.relay.registry;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Live maps of one process: concurrent hash maps, entries with an expiry dropped when read after it. */
final class LocalMaps implements LiveMaps {

    private final ConcurrentMap<String, LiveMap> maps = new ConcurrentHashMap<>();

    @Override
    public LiveMap map(String name) {
        return maps.computeIfAbsent(name, n -> new Local());
    }

    /** A value and when it expires (0: never). */
    private record Entry(String value, long expiresAt) {

        boolean expired(long now) {
            return expiresAt != 0 && now >= expiresAt;
        }
    }

    private static final class Local implements LiveMap {

        private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<String> get(String key) {
            Entry entry = entries.get(key);
            if (entry != null && entry.expired(System.currentTimeMillis())) {
                entries.remove(key, entry);
                entry = null;
            }
            return CompletableFuture.completedFuture(entry == null ? null : entry.value());
        }

        @Override
        public CompletionStage<Void> set(String key, String value) {
            entries.put(key, new Entry(value, 0));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> set(String key, String value, long ttlMs) {
            entries.put(key, new Entry(value, System.currentTimeMillis() + ttlMs));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> remove(String key) {
            entries.remove(key);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void putAll(Map<String, String> values) {
            values.forEach(this::set);
        }

        @Override
        public boolean isEmpty() {
            return entries.isEmpty();
        }

        @Override
        public Map<String, String> snapshot() {
            long now = System.currentTimeMillis();
            Map<String, String> copy = new HashMap<>();
            entries.forEach((key, entry) -> {
                if (!entry.expired(now)) {
                    copy.put(key, entry.value());
                }
            });
            return copy;
        }
    }
}
