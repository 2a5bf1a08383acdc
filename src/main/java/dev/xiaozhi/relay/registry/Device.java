package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.model.ToolRule;

/**
 * A device of the registry. Only hashes of its tokens are kept; its outbound endpoint (which holds the Xiaozhi
 * token) only encrypted.
 *
 * @param tenant             its tenant
 * @param id                 device id within the tenant
 * @param name               display name
 * @param status             whether it may connect
 * @param tokenHash          hash of its token ({@code sha256:<hex>})
 * @param previousTokenHash  hash of its token before the last rotation, or null
 * @param previousValidUntil until when the previous token still works, epoch milliseconds
 * @param createdAt          creation time, epoch milliseconds
 * @param encryptedEndpoint  its outbound Xiaozhi endpoint, encrypted, or null
 * @param policy             narrows its tenant's policy, or null
 * @param fingerprint        for a device of the configuration file, a fingerprint of what the file said when it was
 *                           last imported; null otherwise
 */
public record Device(String tenant, String id, String name, Status status, String tokenHash,
        String previousTokenHash, long previousValidUntil, long createdAt, String encryptedEndpoint, ToolRule policy,
        String fingerprint) {

    /** The registry key of a device: {@code <tenant>/<id>}. */
    public static String key(String tenant, String id) {
        return tenant + "/" + id;
    }

    /** This device's registry key. */
    public String key() {
        return key(tenant, id);
    }

    /** Whether the token with this hash lets the device in at {@code now}. */
    public boolean accepts(String hash, long now) {
        return validUntil(hash, now) > now;
    }

    /**
     * Until when the token with this hash lets the device in, epoch milliseconds: {@link Long#MAX_VALUE} for its
     * current token, the end of the grace for its previous one, 0 when it does not at {@code now}.
     */
    public long validUntil(String hash, long now) {
        if (status != Status.ACTIVE) {
            return 0;
        }
        if (TokenHash.sameText(hash, tokenHash)) {
            return Long.MAX_VALUE;
        }
        return TokenHash.sameText(hash, previousTokenHash) && now < previousValidUntil ? previousValidUntil : 0;
    }

    /** This device with other settings (tokens untouched). */
    public Device with(String newName, Status newStatus, String newEncryptedEndpoint, ToolRule newPolicy) {
        return new Device(tenant, id, newName, newStatus, tokenHash, previousTokenHash, previousValidUntil, createdAt,
                newEncryptedEndpoint, newPolicy, fingerprint);
    }

    /** This device with a new token; the current one stays valid until {@code previousValidUntil} (0: not at all). */
    public Device withToken(String newTokenHash, long previousUntil) {
        return new Device(tenant, id, name, status, newTokenHash, previousUntil > 0 ? tokenHash : null,
                previousUntil, createdAt, encryptedEndpoint, policy, fingerprint);
    }

    @Override
    public String toString() {
        return "Device[" + key() + ", status=" + status + "]";
    }
}
