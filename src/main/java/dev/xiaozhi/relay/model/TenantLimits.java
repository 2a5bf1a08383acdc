package dev.xiaozhi.relay.model;

/**
 * A tenant's limits; 0 means unlimited.
 *
 * @param maxDevices           devices it may have
 * @param maxSessions          sessions it may have open at once on a node
 * @param callsPerMinute       tool calls per minute across its devices
 * @param deviceCallsPerMinute tool calls per minute of each of its devices
 * @param maxSessionsPerDevice WebSocket and pipe sessions each of its devices may have open at once on a node; over
 *                             it the oldest is closed (a reconnecting device's old socket may be half-open)
 */
public record TenantLimits(int maxDevices, int maxSessions, int callsPerMinute, int deviceCallsPerMinute,
        int maxSessionsPerDevice) {

    /** Sessions a device may hold unless its tenant says otherwise. */
    public static final int DEFAULT_SESSIONS_PER_DEVICE = 4;

    /** No limits. */
    public static final TenantLimits UNLIMITED = new TenantLimits(0, 0, 0, 0, 0);

    /** The limits of a tenant that names none: only {@value #DEFAULT_SESSIONS_PER_DEVICE} sessions a device. */
    public static final TenantLimits DEFAULTS = new TenantLimits(0, 0, 0, 0, DEFAULT_SESSIONS_PER_DEVICE);
}
