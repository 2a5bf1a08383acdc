package dev.xiaozhi.relay.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Which tools, prompts and resources a session may see and use: every rule must let an offer pass (the tenant's,
 * then the device's that narrows it). What a policy hides is, to the session, exactly unknown.
 *
 * @param rules the layers; none allows everything
 */
public record ToolPolicy(List<ToolRule> rules) {

    /** Allows every tool. */
    public static final ToolPolicy ALLOW_ALL = new ToolPolicy(List.of());

    /** Copies the rules. */
    public ToolPolicy {
        rules = List.copyOf(rules);
    }

    /** This policy narrowed by one more rule; {@code null} narrows nothing. */
    public ToolPolicy narrowedBy(ToolRule rule) {
        if (rule == null) {
            return this;
        }
        List<ToolRule> narrowed = new ArrayList<>(rules);
        narrowed.add(rule);
        return new ToolPolicy(narrowed);
    }

    /** Whether the policy allows a target at all (whatever it offers). */
    public boolean allowsTarget(String target) {
        for (ToolRule rule : rules) {
            if (!rule.allowsTarget(target)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the policy allows an offer of a target, by its catalog name or URI. */
    public boolean allows(OfferKind kind, String target, String catalogName) {
        for (ToolRule rule : rules) {
            if (!rule.allows(kind, target, catalogName)) {
                return false;
            }
        }
        return true;
    }
}
