package dev.xiaozhi.relay.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Integrity tags of the registry's entries in Hazelcast: {@code <base64url of HMAC-SHA256 over map, key, version and
 * value>.<version>.<value>}, so that an entry written by anyone without the cluster secret, moved to another key or
 * map, or given another version, is refused when read. The version lets a reader refuse an old entry written back.
 */
final class EntryTags {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int TAG_CHARS = 43;

    private final SecretKeySpec key;

    EntryTags(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /**
     * A value as read from its tagged entry.
     *
     * @param version the version it was sealed with
     * @param value   the value
     */
    record Opened(long version, String value) {
    }

    /** The tagged form of a value at a version. */
    String seal(String map, String entryKey, long version, String value) {
        String versionText = Long.toString(version);
        return tag(map, entryKey, versionText, value) + "." + versionText + "." + value;
    }

    /** The version and value of a tagged entry, or empty when its tag is missing or wrong. */
    Optional<Opened> open(String map, String entryKey, String sealed) {
        if (sealed == null || sealed.length() <= TAG_CHARS || sealed.charAt(TAG_CHARS) != '.') {
            return Optional.empty();
        }
        int versionEnd = sealed.indexOf('.', TAG_CHARS + 1);
        if (versionEnd < 0) {
            return Optional.empty();
        }
        String versionText = sealed.substring(TAG_CHARS + 1, versionEnd);
        String value = sealed.substring(versionEnd + 1);
        byte[] expected = tag(map, entryKey, versionText, value).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = sealed.substring(0, TAG_CHARS).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, presented)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Opened(Long.parseLong(versionText), value));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String tag(String map, String entryKey, String version, String value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            for (String part : new String[] {map, entryKey, version, value}) {
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
