package dev.xiaozhi.relay.registry;

import dev.xiaozhi.relay.routing.EventBusAddresses;

/**
 * What is published on {@link EventBusAddresses#REGISTRY_CHANGED}: a tenant or one device was revoked (its live
 * sessions close) or changed (its live sessions take the new policy and limits). Travels as a short string so that
 * every node reads it without a codec.
 *
 * @param revoked whether sessions are to close
 * @param tenant  the tenant
 * @param device  the device, or null for every device of the tenant
 */
public record RegistryChange(boolean revoked, String tenant, String device) {

    private static final String REVOKED = "revoked";
    private static final String CHANGED = "changed";

    /** The string form: {@code revoked|changed <tenant>[/<device>]}. */
    public String encode() {
        return (revoked ? REVOKED : CHANGED) + " " + (device == null ? tenant : Device.key(tenant, device));
    }

    /** Reads the string form. */
    public static RegistryChange decode(String text) {
        int space = text.indexOf(' ');
        String subject = text.substring(space + 1);
        int slash = subject.indexOf('/');
        return new RegistryChange(text.startsWith(REVOKED), slash < 0 ? subject : subject.substring(0, slash),
                slash < 0 ? null : subject.substring(slash + 1));
    }

    /** Whether a session of this device is concerned. */
    public boolean concerns(String sessionTenant, String sessionDevice) {
        return tenant.equals(sessionTenant) && (device == null || device.equals(sessionDevice));
    }
}
