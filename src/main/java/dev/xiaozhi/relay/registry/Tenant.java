package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.ToolRule;

/**
 * A tenant of the registry: a fence around devices, their tools and their credentials.
 *
 * @param id          tenant id
 * @param name        display name
 * @param status      whether its devices may connect
 * @param limits      its limits
 * @param policy      the targets and tools its devices may use
 * @param createdAt   creation time, epoch milliseconds
 * @param fingerprint for a tenant of the configuration file, a fingerprint of what the file said when it was last
 *                    imported (a start re-imports it only when the file changed); null otherwise
 */
public record Tenant(String id, String name, Status status, TenantLimits limits, ToolRule policy, long createdAt,
        String fingerprint) {

    /** This tenant with other settings. */
    public Tenant with(String newName, Status newStatus, TenantLimits newLimits, ToolRule newPolicy) {
        return new Tenant(id, newName, newStatus, newLimits, newPolicy, createdAt, fingerprint);
    }
}
