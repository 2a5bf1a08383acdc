package dev.xiaozhi.relay.model;

import dev.xiaozhi.relay.common.Glob;
import java.util.List;

/**
 * One layer of a tool policy (a tenant's, or a device's narrowing it): glob patterns ({@code *}, {@code ?}) over
 * target names, over catalog tool and prompt names ({@code <target>___<name>}) and over catalog resource URIs (and
 * URI templates). An offer passes when its target matches an allowed pattern and no denied one, and its catalog name
 * or URI likewise. Rules stored before prompts and resources had patterns of their own allow every prompt and
 * resource.
 *
 * @param allowTargets   target patterns allowed
 * @param denyTargets    target patterns denied, overriding the allowed ones
 * @param allowTools     catalog tool-name patterns allowed
 * @param denyTools      catalog tool-name patterns denied, overriding the allowed ones
 * @param allowPrompts   catalog prompt-name patterns allowed; null for every prompt
 * @param denyPrompts    catalog prompt-name patterns denied; null for none
 * @param allowResources catalog resource-URI patterns allowed; null for every resource
 * @param denyResources  catalog resource-URI patterns denied; null for none
 */
public record ToolRule(List<String> allowTargets, List<String> denyTargets, List<String> allowTools,
        List<String> denyTools, List<String> allowPrompts, List<String> denyPrompts, List<String> allowResources,
        List<String> denyResources) {

    /** Lets everything pass. */
    public static final ToolRule ALLOW_ALL = new ToolRule(List.of("*"), List.of(), List.of("*"), List.of());

    /** Copies the lists. */
    public ToolRule {
        allowTargets = List.copyOf(allowTargets);
        denyTargets = List.copyOf(denyTargets);
        allowTools = List.copyOf(allowTools);
        denyTools = List.copyOf(denyTools);
        allowPrompts = List.copyOf(allowPrompts == null ? List.of("*") : allowPrompts);
        denyPrompts = List.copyOf(denyPrompts == null ? List.of() : denyPrompts);
        allowResources = List.copyOf(allowResources == null ? List.of("*") : allowResources);
        denyResources = List.copyOf(denyResources == null ? List.of() : denyResources);
    }

    /** A rule over targets and tools that lets every prompt and resource of the allowed targets pass. */
    public ToolRule(List<String> allowTargets, List<String> denyTargets, List<String> allowTools,
            List<String> denyTools) {
        this(allowTargets, denyTargets, allowTools, denyTools, null, null, null, null);
    }

    /** Whether a target passes this rule's target patterns. */
    public boolean allowsTarget(String target) {
        return Glob.anyMatches(allowTargets, target) && !Glob.anyMatches(denyTargets, target);
    }

    /** Whether an offer of a target passes this rule, by its catalog name or URI. */
    public boolean allows(OfferKind kind, String target, String catalogName) {
        if (!allowsTarget(target)) {
            return false;
        }
        return switch (kind) {
            case TOOL -> Glob.anyMatches(allowTools, catalogName) && !Glob.anyMatches(denyTools, catalogName);
            case PROMPT -> Glob.anyMatches(allowPrompts, catalogName) && !Glob.anyMatches(denyPrompts, catalogName);
            case RESOURCE -> Glob.anyMatches(allowResources, catalogName)
                    && !Glob.anyMatches(denyResources, catalogName);
        };
    }
}
