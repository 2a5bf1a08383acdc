package dev.xiaozhi.relay.registry;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live maps in the cluster's Hazelcast members, each value stored with its version and {@link EntryTags integrity
 * tag}. Each map follows the cluster's writes to learn the newest version of every key ({@link EntryVersions}), and
 * refuses an entry whose tag is wrong or whose version is older than one seen.
 */
final class HazelcastMaps implements LiveMaps {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMaps.class);

    private final HazelcastInstance hazelcast;
    private final EntryTags tags;
    private final ConcurrentMap<String, Tagged> maps = new ConcurrentHashMap<>();

    HazelcastMaps(HazelcastInstance hazelcast, EntryTags tags) {
        this.hazelcast = hazelcast;
        this.tags = tags;
    }

    @Override
    public LiveMap map(String name) {
        return maps.computeIfAbsent(name, n -> new Tagged(n, hazelcast.getMap(n)));
    }

    private final class Tagged implements LiveMap {

        private final String name;
        private final IMap<String, String> live;
        private final EntryVersions versions = new EntryVersions();

        Tagged(String name, IMap<String, String> live) {
            this.name = name;
            this.live = live;
            live.addEntryListener(new Follower(), true);
        }

        @Override
        public CompletionStage<String> get(String key) {
            return live.getAsync(key).thenApply(sealed -> sealed == null ? null : open(key, sealed).orElse(null));
        }

        @Override
        public CompletionStage<Void> set(String key, String value) {
            return learn(key).thenCompose(v -> live.setAsync(key, tags.seal(name, key, versions.next(key), value)));
        }

        @Override
        public CompletionStage<Void> set(String key, String value, long ttlMs) {
            return learn(key).thenCompose(v -> live.setAsync(key, tags.seal(name, key, versions.next(key), value),
                    ttlMs, TimeUnit.MILLISECONDS));
        }

        /** Learns the version of the key's current entry, so that a write's version exceeds it whatever the clock. */
        private CompletionStage<Void> learn(String key) {
            return live.getAsync(key).thenAccept(current -> {
                if (current != null) {
                    tags.open(name, key, current).ifPresent(entry -> versions.seen(key, entry.version()));
                }
            });
        }

        @Override
        public CompletionStage<Void> remove(String key) {
            return live.removeAsync(key).thenApply(removed -> {
                if (removed != null) {
                    tags.open(name, key, removed).ifPresent(old -> versions.removed(key, old.version()));
                }
                return null;
            });
        }

        @Override
        public void putAll(Map<String, String> entries) {
            Map<String, String> sealed = new HashMap<>();
            entries.forEach((key, value) -> sealed.put(key, tags.seal(name, key, versions.next(key), value)));
            live.putAll(sealed);
        }

        @Override
        public boolean isEmpty() {
            return live.isEmpty();
        }

        /**
         * A copy of every entry; an entry the copy read before a newer version of it was heard of is read again, so
         * that a write while the copy is taken does not drop the entry from it.
         */
        @Override
        public Map<String, String> snapshot() {
            Map<String, String> values = new HashMap<>();
            Map.copyOf(live).forEach((key, sealed) -> {
                Optional<EntryTags.Opened> opened = tags.open(name, key, sealed);
                Optional<String> value;
                if (opened.isPresent() && versions.newer(key, opened.get().version())) {
                    String current = live.get(key);
                    value = current == null ? Optional.empty() : open(key, current);
                } else {
                    value = admitted(key, opened);
                }
                value.ifPresent(found -> values.put(key, found));
            });
            return values;
        }

        private Optional<String> open(String key, String sealed) {
            return admitted(key, tags.open(name, key, sealed));
        }

        private Optional<String> admitted(String key, Optional<EntryTags.Opened> opened) {
            if (opened.isEmpty()) {
                LOG.warn("registry entry refused: its integrity tag is wrong [map: {}]", name);
                return Optional.empty();
            }
            if (!versions.admit(key, opened.get().version())) {
                LOG.warn("registry entry refused: a newer version was seen, an old entry was written back [map: {}, "
                        + "version: {}]", name, opened.get().version());
                return Optional.empty();
            }
            return Optional.of(opened.get().value());
        }

        /** Learns the versions of every correctly tagged entry the cluster writes or removes. */
        private final class Follower implements EntryAddedListener<String, String>,
                EntryUpdatedListener<String, String>, EntryRemovedListener<String, String>,
                EntryExpiredListener<String, String> {

            @Override
            public void entryAdded(EntryEvent<String, String> event) {
                written(event);
            }

            @Override
            public void entryUpdated(EntryEvent<String, String> event) {
                written(event);
            }

            @Override
            public void entryRemoved(EntryEvent<String, String> event) {
                gone(event);
            }

            @Override
            public void entryExpired(EntryEvent<String, String> event) {
                gone(event);
            }

            private void written(EntryEvent<String, String> event) {
                if (event.getValue() != null) {
                    tags.open(name, event.getKey(), event.getValue())
                            .ifPresent(entry -> versions.seen(event.getKey(), entry.version()));
                }
            }

            private void gone(EntryEvent<String, String> event) {
                if (event.getOldValue() != null) {
                    tags.open(name, event.getKey(), event.getOldValue())
                            .ifPresent(entry -> versions.removed(event.getKey(), entry.version()));
                }
            }
        }
    }
}
