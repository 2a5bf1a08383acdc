package dev.xiaozhi.relay.registry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The newest version of each key of one live map that this node has seen (read, written, or heard of from the
 * cluster), so that an older entry written back, a replay, is refused. A removed entry leaves the version after its
 * last one, so that it cannot be written back either. Versions of this node's writes follow the clock and always
 * exceed every version seen of the key.
 */
final class EntryVersions {

    private final ConcurrentMap<String, Long> newest = new ConcurrentHashMap<>();

    /** Whether an entry at this version may be taken (no newer one was seen); if so it is the newest seen now. */
    boolean admit(String key, long version) {
        return newest.merge(key, version, Math::max) == version;
    }

    /** Whether a version newer than this one of the key was seen. */
    boolean newer(String key, long version) {
        Long seen = newest.get(key);
        return seen != null && seen > version;
    }

    /** Learns of an entry at a version, from the cluster's events: older ones are refused from now on. */
    void seen(String key, long version) {
        newest.merge(key, version, Math::max);
    }

    /** Learns that an entry at a version was removed: it and older ones are refused from now on. */
    void removed(String key, long version) {
        seen(key, version + 1);
    }

    /** The version of a write of the key now: the clock's milliseconds, or more when a later one was seen. */
    long next(String key) {
        long now = System.currentTimeMillis();
        return newest.merge(key, now, (seen, clock) -> Math.max(clock, seen + 1));
    }
}
