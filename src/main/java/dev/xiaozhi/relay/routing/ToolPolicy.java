package dev.xiaozhi.relay.routing;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which targets a tenant's devices may use: glob patterns ({@code *}, {@code ?}) over target names.
 *
 * @param targetPatterns the patterns; a target is allowed when one matches
 */
public record ToolPolicy(List<String> targetPatterns) {

    /** Allows every target. */
    public static final ToolPolicy ALLOW_ALL = new ToolPolicy(List.of("*"));

    /** Copies the patterns. */
    public ToolPolicy {
        targetPatterns = List.copyOf(targetPatterns);
    }

    /** Whether the policy allows a target. */
    public boolean allows(String target) {
        for (String pattern : targetPatterns) {
            if (globToRegex(pattern).matcher(target).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
