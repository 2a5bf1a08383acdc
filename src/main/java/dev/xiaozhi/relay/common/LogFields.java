package dev.xiaozhi.relay.common;

/**
 * Makes a value safe to put in a log line: a value a client, a target or a child controls can neither end the line
 * and forge the next one nor move a terminal's cursor. Line breaks, tabs and the backslash are escaped as in Java
 * ({@code \n}, {@code \r}, {@code \t}, {@code \\}), every other control character as {@code \}{@code uXXXX}.
 */
public final class LogFields {

    private LogFields() {
    }

    /** {@code value} with its control characters escaped; {@code null} stays {@code null}. */
    public static String escape(String value) {
        if (value == null || value.chars().noneMatch(LogFields::needsEscape)) {
            return value;
        }
        StringBuilder escaped = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                case '\\' -> escaped.append("\\\\");
                default -> {
                    if (needsEscape(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    private static boolean needsEscape(int c) {
        return c < 0x20 || c == '\\' || c >= 0x7F && c <= 0x9F || c == 0x2028 || c == 0x2029;
    }
}
