package dev.xiaozhi.relay.ops.history;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blanks out what looks like a secret in a line a server wrote: the value of {@code key=value} (or {@code key: value})
 * whose key speaks of a key, token, secret, password or credential, what follows {@code Bearer}, JSON web tokens, and
 * long runs of hex or base64 (32 characters or more, with a digit, not a path).
 */
public final class Redaction {

    /** What stands in for a redacted value. */
    public static final String REDACTED = "[redacted]";

    private static final Pattern NAMED = Pattern.compile(
            "(?i)([\\w.-]*(?:key|token|secret|passw(?:or)?d|pwd|credential|auth)[\\w.-]*\"?\\s*[=:]\\s*)"
                    + "(\"[^\"]*\"|'[^']*'|[^\\s,;&]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)?");
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9+/_-]{32,}={0,2}");

    private Redaction() {
    }

    /** The line with what looks like a secret replaced by {@value #REDACTED}. */
    public static String redact(String line) {
        String bearer = BEARER.matcher(line).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        String named = NAMED.matcher(bearer).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        String jwt = JWT.matcher(named).replaceAll(Matcher.quoteReplacement(REDACTED));
        Matcher runs = RUN.matcher(jwt);
        StringBuilder out = new StringBuilder(jwt.length());
        while (runs.find()) {
            String run = runs.group();
            boolean secretLike = run.chars().anyMatch(Character::isDigit) && run.charAt(0) != '/'
                    && run.chars().filter(c -> c == '/').count() < 3;
            runs.appendReplacement(out, Matcher.quoteReplacement(secretLike ? REDACTED : run));
        }
        runs.appendTail(out);
        return out.toString();
    }
}
