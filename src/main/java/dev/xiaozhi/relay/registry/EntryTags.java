package dev.xiaozhi.relay.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Integrity tags of the registry's entries in Hazelcast: {@code <base64url of HMAC-SHA256 over map, key and
 * value>.<value>}, so that an entry written by anyone without the cluster secret, or moved to another key or map, is
 * refused when read.
 */
final class EntryTags {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int TAG_CHARS = 43;

    private final SecretKeySpec key;

    EntryTags(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** The tagged form of a value. */
    String seal(String map, String entryKey, String value) {
        return tag(map, entryKey, value) + "." + value;
    }

    /** The value of a tagged entry, or empty when its tag is missing or wrong. */
    Optional<String> open(String map, String entryKey, String sealed) {
        if (sealed == null || sealed.length() <= TAG_CHARS || sealed.charAt(TAG_CHARS) != '.') {
            return Optional.empty();
        }
        String value = sealed.substring(TAG_CHARS + 1);
        byte[] expected = tag(map, entryKey, value).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = sealed.substring(0, TAG_CHARS).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented) ? Optional.of(value) : Optional.empty();
    }

    private String tag(String map, String entryKey, String value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            for (String part : new String[] {map, entryKey, value}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                    (byte) (bytes.length >>> 8), (byte) bytes.length});
                mac.update(bytes);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot tag a registry entry", e);
        }
    }
}
