package dev.xiaozhi.relay.common;

import java.util.List;

/**
 * Glob patterns: {@code *} matches any run of characters, {@code ?} one character, everything else itself.
 *
 * <p>Matching never backtracks: the literal pieces between stars are found left to right, each at its first place
 * (the leftmost match of a piece never rules out a match of the rest), so a match costs at most the length of the
 * text times the length of the pattern, however many stars it has. Patterns from configuration and the admin API
 * are still held to {@link #MAX_CHARS} characters and {@link #MAX_STARS} stars ({@link #isAcceptable}).
 */
public final class Glob {

    /** The longest pattern accepted from configuration or the admin API. */
    public static final int MAX_CHARS = 100;
    /** The most stars a pattern accepted from configuration or the admin API may have. */
    public static final int MAX_STARS = 10;
    /** What an acceptable pattern is, for error messages. */
    public static final String RULE = "1 to " + MAX_CHARS + " characters with at most " + MAX_STARS + " '*'";

    private static final char STAR = '*';
    private static final char ANY = '?';

    private Glob() {
    }

    /** Whether a pattern is within the limits for configuration and the admin API ({@link #RULE}). */
    public static boolean isAcceptable(String glob) {
        return !glob.isEmpty() && glob.length() <= MAX_CHARS
                && glob.chars().filter(c -> c == STAR).count() <= MAX_STARS;
    }

    /** Whether {@code text} matches {@code glob}. */
    public static boolean matches(String glob, String text) {
        int firstStar = glob.indexOf(STAR);
        if (firstStar < 0) {
            return glob.length() == text.length() && pieceAt(glob, 0, glob.length(), text, 0);
        }
        int lastStar = glob.lastIndexOf(STAR);
        int suffixLength = glob.length() - lastStar - 1;
        int end = text.length() - suffixLength;
        if (end < firstStar || !pieceAt(glob, 0, firstStar, text, 0)
                || !pieceAt(glob, lastStar + 1, glob.length(), text, end)) {
            return false;
        }
        int at = firstStar;
        int pieceStart = firstStar + 1;
        while (pieceStart <= lastStar) {
            int pieceEnd = glob.indexOf(STAR, pieceStart);
            at = find(glob, pieceStart, pieceEnd, text, at, end);
            if (at < 0) {
                return false;
            }
            at += pieceEnd - pieceStart;
            pieceStart = pieceEnd + 1;
        }
        return true;
    }

    /** Whether {@code text} matches any of the globs. */
    public static boolean anyMatches(List<String> globs, String text) {
        for (String glob : globs) {
            if (matches(glob, text)) {
                return true;
            }
        }
        return false;
    }

    /** The first place in {@code text[from, to)} where the star-free piece {@code glob[start, end)} fits, or -1. */
    private static int find(String glob, int start, int end, String text, int from, int to) {
        for (int at = from; at + end - start <= to; at++) {
            if (pieceAt(glob, start, end, text, at)) {
                return at;
            }
        }
        return -1;
    }

    /** Whether the star-free piece {@code glob[start, end)} matches {@code text} at {@code at}. */
    private static boolean pieceAt(String glob, int start, int end, String text, int at) {
        for (int i = start; i < end; i++) {
            char c = glob.charAt(i);
            if (c != ANY && c != text.charAt(at + i - start)) {
                return false;
            }
        }
        return true;
    }
}
