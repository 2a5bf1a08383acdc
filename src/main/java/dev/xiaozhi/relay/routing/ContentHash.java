package dev.xiaozhi.relay.routing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** 64 bits of a SHA-256 digest: tells whether what a client reads of the catalog changed. */
final class ContentHash {

    private ContentHash() {
    }

    /** The hash of a text. */
    static long of(String text) {
        return ByteBuffer.wrap(digest().digest(text.getBytes(StandardCharsets.UTF_8))).getLong();
    }

    /** The hash of an ordered sequence of hashes. */
    static long of(long[] hashes) {
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES * hashes.length);
        for (long hash : hashes) {
            bytes.putLong(hash);
        }
        return ByteBuffer.wrap(digest().digest(bytes.array())).getLong();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
