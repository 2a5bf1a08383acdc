package dev.xiaozhi.relay.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant of the configuration file.
 *
 * @param id          tenant id
 * @param name        display name
 * @param targets     glob patterns of the targets its devices may use
 * @param devices     its devices by id
 * @param credentials its own credentials for targets, by target name, in place of the targets' defaults
 */
public record TenantConfig(String id, String name, List<String> targets, Map<String, DeviceConfig> devices,
        Map<String, AuthConfig> credentials) {

    static TenantConfig from(String id, ConfigNode node) {
        DeviceConfig.requireId(id, node);
        node.object("name", "targets", "devices", "credentials");
        Map<String, DeviceConfig> devices = new LinkedHashMap<>();
        node.entries("devices").forEach((deviceId, device) -> devices.put(deviceId, DeviceConfig.from(deviceId,
                device)));
        Map<String, AuthConfig> credentials = new LinkedHashMap<>();
        node.entries("credentials").forEach((target, auth) -> credentials.put(target, AuthConfig.from(auth)
                .orElseThrow(() -> auth.error("expected an auth block"))));
        return new TenantConfig(id, node.string("name", id), node.stringList("targets", List.of("*")),
                Collections.unmodifiableMap(devices), Collections.unmodifiableMap(credentials));
    }
}
