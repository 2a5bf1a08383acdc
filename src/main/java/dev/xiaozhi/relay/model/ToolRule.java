package dev.xiaozhi.relay.model;

import dev.xiaozhi.relay.common.Glob;
import java.util.List;

/**
 * One layer of a tool policy (a tenant's, or a device's narrowing it): glob patterns ({@code *}, {@code ?}) over
 * target names and over catalog tool names ({@code <target>___<tool>}). A tool passes when its target matches an
 * allowed pattern and no denied one, and its catalog name likewise.
 *
 * @param allowTargets target patterns allowed
 * @param denyTargets  target patterns denied, overriding the allowed ones
 * @param allowTools   catalog tool-name patterns allowed
 * @param denyTools    catalog tool-name patterns denied, overriding the allowed ones
 */
public record ToolRule(List<String> allowTargets, List<String> denyTargets, List<String> allowTools,
        List<String> denyTools) {

    /** Lets everything pass. */
    public static final ToolRule ALLOW_ALL = new ToolRule(List.of("*"), List.of(), List.of("*"), List.of());

    /** Copies the lists. */
    public ToolRule {
        allowTargets = List.copyOf(allowTargets);
        denyTargets = List.copyOf(denyTargets);
        allowTools = List.copyOf(allowTools);
        denyTools = List.copyOf(denyTools);
    }

    /** Whether a tool of a target passes this rule. */
    public boolean allows(String target, String catalogName) {
        return Glob.anyMatches(allowTargets, target) && !Glob.anyMatches(denyTargets, target)
                && Glob.anyMatches(allowTools, catalogName) && !Glob.anyMatches(denyTools, catalogName);
    }
}
