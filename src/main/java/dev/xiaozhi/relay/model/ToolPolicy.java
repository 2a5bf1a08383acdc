package dev.xiaozhi.relay.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Which tools a session may see and call: every rule must let a tool pass (the tenant's, then the device's that
 * narrows it). A tool a policy hides is, to the session, exactly an unknown tool.
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

    /** Whether the policy allows a tool of a target, by its catalog name. */
    public boolean allows(String target, String catalogName) {
        for (ToolRule rule : rules) {
            if (!rule.allows(target, catalogName)) {
                return false;
            }
        }
        return true;
    }
}
