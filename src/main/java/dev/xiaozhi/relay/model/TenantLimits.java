package dev.xiaozhi.relay.model;

/**
 * A tenant's limits; 0 means unlimited.
 *
 * @param maxDevices           devices it may have
 * @param maxSessions          sessions it may have open at once on a node
 * @param callsPerMinute       tool calls per minute across its devices
 * @param deviceCallsPerMinute tool calls per minute of each of its devices
 */
public record TenantLimits(int maxDevices, int maxSessions, int callsPerMinute, int deviceCallsPerMinute) {

    /** No limits. */
    public static final TenantLimits UNLIMITED = new TenantLimits(0, 0, 0, 0);
}
