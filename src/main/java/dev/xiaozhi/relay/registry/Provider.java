package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.model.TokenHash;

/**
 * The token of a provider target (a bridge that dials in on {@code /tools}), kept only as hashes. Provider tokens
 * and device tokens are indexed apart: neither opens the other's door.
 *
 * @param target             the provider target's name
 * @param tokenHash          hash of its token
 * @param previousTokenHash  hash of its token before the last rotation, or null
 * @param previousValidUntil until when the previous token still works, epoch milliseconds
 * @param createdAt          creation time, epoch milliseconds
 * @param fingerprint        the configured token hash when it was last imported
 */
public record Provider(String target, String tokenHash, String previousTokenHash, long previousValidUntil,
        long createdAt, String fingerprint) {

    /** Whether the token with this hash lets the provider in at {@code now}. */
    public boolean accepts(String hash, long now) {
        return TokenHash.sameText(hash, tokenHash)
                || TokenHash.sameText(hash, previousTokenHash) && now < previousValidUntil;
    }

    /**
     * A provider token as issued: shown once to whoever rotated it, never stored.
     *
     * @param provider the provider as stored
     * @param token    the plain token
     */
    public record Issued(Provider provider, String token) {

        @Override
        public String toString() {
            return "Provider.Issued[" + provider.target() + "]";
        }
    }
}
