package dev.xiaozhi.relay.routing;

import dev.xiaozhi.relay.common.Glob;
import java.util.List;

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
        return Glob.anyMatches(targetPatterns, target);
    }
}
