package dev.xiaozhi.relay.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the members of a cluster derive from their shared {@code cluster.secret}, each an HMAC-SHA256 of the secret
 * over a fixed label, so that none of them reveals the secret or another: the Hazelcast cluster name (a node without
 * the secret cannot join) and the key of the registry entries' integrity tags.
 */
public final class ClusterKeys {

    private static final String ALGORITHM = "HmacSHA256";
    private static final String NAME_LABEL = "xiaozhi-relay/hazelcast-cluster-name";
    private static final String TAG_LABEL = "xiaozhi-relay/registry-entry-tags";

    private final byte[] clusterName;
    private final byte[] tagKey;

    /** Derives the keys of a secret. */
    public ClusterKeys(String secret) {
        this.clusterName = derive(secret, NAME_LABEL);
        this.tagKey = derive(secret, TAG_LABEL);
    }

    /** The Hazelcast cluster name: {@code xiaozhi-relay-} and 32 hex digits. */
    public String clusterName() {
        return "xiaozhi-relay-" + HexFormat.of().formatHex(clusterName, 0, 16);
    }

    /** The key of the registry entries' integrity tags (32 bytes). */
    public byte[] registryTagKey() {
        return tagKey.clone();
    }

    private static byte[] derive(String secret, String label) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the cluster keys", e);
        }
    }
}
