package dev.xiaozhi.relay.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The stored form of a device token: {@code sha256:<64 hex digits>}. Equality is checked in constant time; the plain
 * token is never kept.
 */
public final class TokenHash {

    private static final String PREFIX = "sha256:";
    private static final Pattern FORMAT = Pattern.compile("^sha256:[0-9a-fA-F]{64}$");

    private final byte[] digest;
    private final int hashCode;

    private TokenHash(byte[] digest) {
        this.digest = digest;
        this.hashCode = Arrays.hashCode(digest);
    }

    /** The hash of a plain token. */
    public static TokenHash ofPlain(String token) {
        try {
            return new TokenHash(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses {@code sha256:<hex>}.
     *
     * @throws IllegalArgumentException when the text is not in that form (the text itself is not repeated)
     */
    public static TokenHash parse(String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            throw new IllegalArgumentException("expected sha256:<64 hex digits>");
        }
        return new TokenHash(HexFormat.of().parseHex(text.substring(PREFIX.length()).toLowerCase()));
    }

    /** Whether a plain token has this hash; constant time. */
    public boolean matches(String token) {
        return equals(ofPlain(token));
    }

    /**
     * Whether two stored hashes, in their text form, are the same; constant time, false when either is null.
     */
    public static boolean sameText(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The 64 lowercase hex digits. */
    public String hex() {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenHash hash && MessageDigest.isEqual(digest, hash.digest);
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    @Override
    public String toString() {
        return PREFIX + hex();
    }
}
