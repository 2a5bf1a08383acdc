package dev.xiaozhi.relay.model;

/**
 * Who is on the other end of a session.
 *
 * @param tenant the device's tenant
 * @param device the device id within the tenant
 * @param policy the tools the device may see and call
 * @param limits its tenant's limits
 */
public record DeviceIdentity(String tenant, String device, ToolPolicy policy, TenantLimits limits) {

    /** A device of no limits that may use every tool, for local one-client modes. */
    public static DeviceIdentity unrestricted(String tenant, String device) {
        return new DeviceIdentity(tenant, device, ToolPolicy.ALLOW_ALL, TenantLimits.UNLIMITED);
    }
}
