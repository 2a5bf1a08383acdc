package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.routing.ToolPolicy;

/**
 * Who is on the other end of a session.
 *
 * @param tenant the device's tenant
 * @param device the device id within the tenant
 * @param policy the tools the device may see and call
 */
public record DeviceIdentity(String tenant, String device, ToolPolicy policy) {
}
