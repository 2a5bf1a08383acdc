package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.ToolRule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant of the configuration file, imported into the registry on start.
 *
 * @param id          tenant id
 * @param name        display name
 * @param policy      the targets, tools, prompts and resources its devices may use ({@code targets},
 *                    {@code denyTargets}, {@code tools}, {@code denyTools}, {@code prompts}, {@code denyPrompts},
 *                    {@code resources}, {@code denyResources}: glob patterns)
 * @param limits      its limits (0: unlimited)
 * @param devices     its devices by id
 * @param credentials its own credentials for targets, by target name, in place of the targets' defaults
 */
public record TenantConfig(String id, String name, ToolRule policy, TenantLimits limits,
        Map<String, DeviceConfig> devices, Map<String, AuthConfig> credentials) {

    static TenantConfig from(String id, ConfigNode node) {
        DeviceConfig.requireId(id, node);
        node.object("name", "targets", "denyTargets", "tools", "denyTools", "prompts", "denyPrompts", "resources",
                "denyResources", "limits", "devices", "credentials");
        Map<String, DeviceConfig> devices = new LinkedHashMap<>();
        node.entries("devices").forEach((deviceId, device) -> devices.put(deviceId, DeviceConfig.from(deviceId,
                device)));
        Map<String, AuthConfig> credentials = new LinkedHashMap<>();
        node.entries("credentials").forEach((target, auth) -> credentials.put(target, AuthConfig.from(auth)
                .orElseThrow(() -> auth.error("expected an auth block"))));
        ToolRule policy = new ToolRule(node.globList("targets", List.of("*")),
                node.globList("denyTargets", List.of()), node.globList("tools", List.of("*")),
                node.globList("denyTools", List.of()), node.globList("prompts", List.of("*")),
                node.globList("denyPrompts", List.of()), node.globList("resources", List.of("*")),
                node.globList("denyResources", List.of()));
        ConfigNode limits = node.child("limits").object("maxDevices", "maxSessions", "callsPerMinute",
                "deviceCallsPerMinute", "maxSessionsPerDevice");
        return new TenantConfig(id, node.string("name", id), policy, new TenantLimits(
                limits.integer("maxDevices", 0, Integer.MAX_VALUE, 0),
                limits.integer("maxSessions", 0, Integer.MAX_VALUE, 0),
                limits.integer("callsPerMinute", 0, Integer.MAX_VALUE, 0),
                limits.integer("deviceCallsPerMinute", 0, Integer.MAX_VALUE, 0),
                limits.integer("maxSessionsPerDevice", 0, Integer.MAX_VALUE,
                        TenantLimits.DEFAULT_SESSIONS_PER_DEVICE)),
                Collections.unmodifiableMap(devices), Collections.unmodifiableMap(credentials));
    }
}
