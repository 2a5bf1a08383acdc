package dev.xiaozhi.relay.bus;

/**
 * What is published on {@link EventBusAddresses#REGISTRY_CHANGED}: a tenant or one device was revoked (its live
 * sessions close) or changed (its live sessions take the new policy and limits).
 *
 * @param revoked whether sessions are to close
 * @param tenant  the tenant
 * @param device  the device, or null for every device of the tenant
 */
public record RegistryChange(boolean revoked, String tenant, String device) {

    /** Whether a session of this device is concerned. */
    public boolean concerns(String sessionTenant, String sessionDevice) {
        return tenant.equals(sessionTenant) && (device == null || device.equals(sessionDevice));
    }
}
