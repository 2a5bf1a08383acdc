package dev.xiaozhi.relay.routing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Catalog tool names: {@code <target>___<tool>} within {@code ^[A-Za-z0-9_-]{1,64}$}. Illegal characters become
 * {@code _}; names too long, or taken, are shortened and given a stable hash suffix of their full origin.
 */
public final class ToolNames {

    /** Separator between target and tool, as AgentCore Gateway uses it. */
    public static final String SEPARATOR = "___";
    /** Longest legal catalog name. */
    public static final int MAX_LENGTH = 64;
    /** What a legal catalog name looks like. */
    public static final Pattern LEGAL = Pattern.compile("^[A-Za-z0-9_-]{1," + MAX_LENGTH + "}$");

    private static final Pattern ILLEGAL_CHARACTERS = Pattern.compile("[^A-Za-z0-9_-]");
    private static final int HASH_CHARACTERS = 8;

    private ToolNames() {
    }

    /** The legal form of a wanted name; {@code origin} identifies the tool for the hash suffix. */
    public static String legal(String wanted, String origin) {
        String name = ILLEGAL_CHARACTERS.matcher(wanted).replaceAll("_");
        if (name.isEmpty()) {
            name = "tool";
        }
        return name.length() <= MAX_LENGTH ? name : hashed(name, origin);
    }

    /** {@code name} cut so that {@code _<hash of origin>} fits behind it. */
    public static String hashed(String name, String origin) {
        int keep = Math.min(name.length(), MAX_LENGTH - HASH_CHARACTERS - 1);
        return name.substring(0, keep) + "_" + hash(origin);
    }

    private static String hash(String origin) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(origin.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARACTERS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
