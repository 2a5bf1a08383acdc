package dev.xiaozhi.relay.registry;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Live maps in the cluster's Hazelcast members, each value stored with its {@link EntryTags integrity tag}. */
final class HazelcastMaps implements LiveMaps {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMaps.class);

    private final HazelcastInstance hazelcast;
    private final EntryTags tags;

    HazelcastMaps(HazelcastInstance hazelcast, EntryTags tags) {
        this.hazelcast = hazelcast;
        this.tags = tags;
    }

    @Override
    public LiveMap map(String name) {
        return new Tagged(name, hazelcast.getMap(name));
    }

    private final class Tagged implements LiveMap {

        private final String name;
        private final IMap<String, String> live;

        Tagged(String name, IMap<String, String> live) {
            this.name = name;
            this.live = live;
        }

        @Override
        public CompletionStage<String> get(String key) {
            return live.getAsync(key).thenApply(sealed -> sealed == null ? null : open(key, sealed).orElse(null));
        }

        @Override
        public CompletionStage<Void> set(String key, String value) {
            return live.setAsync(key, tags.seal(name, key, value));
        }

        @Override
        public CompletionStage<Void> set(String key, String value, long ttlMs) {
            return live.setAsync(key, tags.seal(name, key, value), ttlMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletionStage<Void> remove(String key) {
            return live.removeAsync(key).thenApply(removed -> null);
        }

        @Override
        public void putAll(Map<String, String> entries) {
            Map<String, String> sealed = new HashMap<>();
            entries.forEach((key, value) -> sealed.put(key, tags.seal(name, key, value)));
            live.putAll(sealed);
        }

        @Override
        public boolean isEmpty() {
            return live.isEmpty();
        }

        @Override
        public Map<String, String> snapshot() {
            Map<String, String> values = new HashMap<>();
            Map.copyOf(live).forEach((key, sealed) -> open(key, sealed).ifPresent(value -> values.put(key, value)));
            return values;
        }

        private Optional<String> open(String key, String sealed) {
            Optional<String> value = tags.open(name, key, sealed);
            if (value.isEmpty()) {
                LOG.warn("registry entry refused: its integrity tag is wrong [map: {}]", name);
            }
            return value;
        }
    }
}
