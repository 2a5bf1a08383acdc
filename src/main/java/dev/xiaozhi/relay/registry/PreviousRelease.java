package dev.xiaozhi.relay.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.protocol.Json;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the previous release stored that this one must read differently, brought up to date on the first start:
 * its tenants have no {@code maxSessionsPerDevice} (they get this release's default, not 0, which would mean no
 * limit), and endpoints it encrypted with a node's own generated key (which its clusters without
 * {@code registry.encryptionKey} shared through Hazelcast) are encrypted again with the configured key.
 */
final class PreviousRelease {

    private static final String SESSIONS_PER_DEVICE = "maxSessionsPerDevice";

    private PreviousRelease() {
    }

    /** The stored tenant records (key → JSON) that need upgrading, upgraded. */
    static Map<String, String> upgradedTenants(Map<String, String> stored) {
        Map<String, String> upgraded = new TreeMap<>();
        stored.forEach((key, json) -> {
            try {
                JsonNode tenant = Json.MAPPER.readTree(json);
                if (tenant.path("limits") instanceof ObjectNode limits && !limits.has(SESSIONS_PER_DEVICE)) {
                    limits.put(SESSIONS_PER_DEVICE, TenantLimits.DEFAULT_SESSIONS_PER_DEVICE);
                    upgraded.put(key, Json.MAPPER.writeValueAsString(tenant));
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable tenants record " + key, e);
            }
        });
        return upgraded;
    }

    /** The device with its endpoint encrypted with the configured key, when only the previous key opens it. */
    static Optional<Device> reencrypted(Device device, EndpointCipher cipher) {
        if (device.encryptedEndpoint() == null) {
            return Optional.empty();
        }
        try {
            return cipher.reencrypted(device.encryptedEndpoint()).map(sealed -> device.with(device.name(),
                    device.status(), sealed, device.policy()));
        } catch (IllegalStateException unknownFormat) {
            return Optional.empty();
        }
    }
}
