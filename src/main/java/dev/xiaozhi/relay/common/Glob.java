package dev.xiaozhi.relay.common;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Glob patterns: {@code *} matches any run of characters, {@code ?} one character, everything else itself. */
public final class Glob {

    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 4096;

    private Glob() {
    }

    /** Whether {@code text} matches {@code glob}. */
    public static boolean matches(String glob, String text) {
        Pattern pattern = COMPILED.get(glob);
        if (pattern == null) {
            pattern = compile(glob);
            if (COMPILED.size() < MAX_CACHED) {
                COMPILED.put(glob, pattern);
            }
        }
        return pattern.matcher(text).matches();
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

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
