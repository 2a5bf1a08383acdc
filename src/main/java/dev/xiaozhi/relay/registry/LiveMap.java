package dev.xiaozhi.relay.registry;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One live map of the registry, text keys to text values: in this process on a single node, in Hazelcast (shared by
 * every member, each entry integrity-tagged) on a cluster. The asynchronous calls never block; the others may.
 */
interface LiveMap {

    /** The value of a key, or null (also for an entry that fails its integrity check). */
    CompletionStage<String> get(String key);

    /** Sets a key. */
    CompletionStage<Void> set(String key, String value);

    /** Sets a key that expires after {@code ttlMs}. */
    CompletionStage<Void> set(String key, String value, long ttlMs);

    /** Removes a key. */
    CompletionStage<Void> remove(String key);

    /** Sets many keys (blocking). */
    void putAll(Map<String, String> entries);

    /** Whether the map is empty (blocking). */
    boolean isEmpty();

    /** A copy of every entry that passes its integrity check (blocking). */
    Map<String, String> snapshot();
}
