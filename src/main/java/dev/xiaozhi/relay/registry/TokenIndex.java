package dev.xiaozhi.relay.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Token hash → record key, in a live map: how a presented token finds its record without a scan. An entry of a
 * previous token expires a while after its grace ends (Hazelcast keeps entry times in whole seconds); whether a
 * token is still valid is always decided by the record itself.
 */
final class TokenIndex {

    private static final long EXPIRY_MARGIN_MS = 60_000;

    private final Vertx vertx;
    private final LiveMap keysByHash;

    TokenIndex(Vertx vertx, LiveMap keysByHash) {
        this.vertx = vertx;
        this.keysByHash = keysByHash;
    }

    /** Indexes a record's current token and, until {@code previousValidUntil}, its previous one (may be null). */
    Future<Void> index(String key, String tokenHash, String previousHash, long previousValidUntil) {
        long now = System.currentTimeMillis();
        Future<Void> current = Future.fromCompletionStage(keysByHash.set(tokenHash, key),
                vertx.getOrCreateContext());
        if (previousHash == null || now >= previousValidUntil) {
            return current;
        }
        return Future.all(current, Future.fromCompletionStage(keysByHash.set(previousHash, key,
                previousValidUntil - now + EXPIRY_MARGIN_MS), vertx.getOrCreateContext()))
                .mapEmpty();
    }

    /** The key a token hash belongs to, or null. */
    Future<String> find(String tokenHash) {
        return Future.fromCompletionStage(keysByHash.get(tokenHash), vertx.getOrCreateContext());
    }

    /** Forgets token hashes (nulls are skipped). */
    void remove(String... tokenHashes) {
        for (String hash : tokenHashes) {
            if (hash != null) {
                keysByHash.remove(hash);
            }
        }
    }
}
