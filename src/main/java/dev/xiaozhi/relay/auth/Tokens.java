package dev.xiaozhi.relay.auth;

import java.security.SecureRandom;
import java.util.Base64;

/** New secret tokens: 256 random bits, URL-safe, with the prefix {@code xzr_} so leaked ones are easy to find. */
public final class Tokens {

    /** Prefix of every token the relay issues. */
    public static final String PREFIX = "xzr_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BYTES = 32;

    private Tokens() {
    }

    /** A new token. */
    public static String generateToken() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
