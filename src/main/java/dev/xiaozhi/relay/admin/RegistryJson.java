package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.common.Glob;
import dev.xiaozhi.relay.config.DeviceConfig;
import dev.xiaozhi.relay.model.ClientErrorException;
import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.registry.Device;
import dev.xiaozhi.relay.registry.Status;
import dev.xiaozhi.relay.registry.Tenant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's JSON: tenants and devices as shown (never a token hash or an endpoint), and request bodies read
 * with field-level validation. Every problem of a body is reported at once.
 */
final class RegistryJson {

    private static final int MAX_NAME_CHARS = 200;
    private static final int MAX_PATTERNS = 100;

    private final JsonObject body;
    private final Map<String, String> problems = new LinkedHashMap<>();

    private RegistryJson(JsonObject body, Set<String> known) {
        this.body = body;
        body.fieldNames().stream().filter(name -> !known.contains(name)).sorted()
                .forEach(name -> problems.put(name, "unknown field"));
    }

    /** A body with only the given fields. */
    static RegistryJson read(JsonObject body, String... known) {
        return new RegistryJson(body == null ? new JsonObject() : body, Set.of(known));
    }

    String id(String field) {
        Object value = body.getValue(field);
        if (!(value instanceof String text) || !DeviceConfig.ID.matcher(text).matches()) {
            problems.put(field, "required: 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
            return null;
        }
        return text;
    }

    String name(String fallback) {
        Object value = body.getValue("name");
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String text) || text.isBlank() || text.length() > MAX_NAME_CHARS) {
            problems.put("name", "expected a non-blank string of at most " + MAX_NAME_CHARS + " characters");
            return fallback;
        }
        return text;
    }

    Status status(Status fallback) {
        Object value = body.getValue("status");
        if (value == null) {
            return fallback;
        }
        if ("active".equals(value)) {
            return Status.ACTIVE;
        }
        if ("disabled".equals(value)) {
            return Status.DISABLED;
        }
        problems.put("status", "expected active or disabled");
        return fallback;
    }

    TenantLimits limits(TenantLimits fallback) {
        Object value = body.getValue("limits");
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof JsonObject limits)) {
            problems.put("limits", "expected an object");
            return fallback;
        }
        Set<String> known = Set.of("maxDevices", "maxSessions", "callsPerMinute", "deviceCallsPerMinute",
                "maxSessionsPerDevice");
        limits.fieldNames().stream().filter(n -> !known.contains(n)).sorted()
                .forEach(n -> problems.put("limits." + n, "unknown field"));
        return new TenantLimits(count(limits, "maxDevices", fallback.maxDevices()),
                count(limits, "maxSessions", fallback.maxSessions()),
                count(limits, "callsPerMinute", fallback.callsPerMinute()),
                count(limits, "deviceCallsPerMinute", fallback.deviceCallsPerMinute()),
                count(limits, "maxSessionsPerDevice", fallback.maxSessionsPerDevice()));
    }

    /** A policy; absent keeps {@code fallback}, {@code null} clears it (devices only). */
    ToolRule policy(ToolRule fallback) {
        if (!body.containsKey("policy")) {
            return fallback;
        }
        Object value = body.getValue("policy");
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject policy)) {
            problems.put("policy", "expected an object");
            return fallback;
        }
        Set<String> known = Set.of("allowTargets", "denyTargets", "allowTools", "denyTools", "allowPrompts",
                "denyPrompts", "allowResources", "denyResources");
        policy.fieldNames().stream().filter(n -> !known.contains(n)).sorted().forEach(n -> problems.put(
                "policy." + n, "unknown field"));
        ToolRule base = fallback == null ? ToolRule.ALLOW_ALL : fallback;
        return new ToolRule(patterns(policy, "allowTargets", base.allowTargets()),
                patterns(policy, "denyTargets", base.denyTargets()), patterns(policy, "allowTools", base.allowTools()),
                patterns(policy, "denyTools", base.denyTools()), patterns(policy, "allowPrompts", base.allowPrompts()),
                patterns(policy, "denyPrompts", base.denyPrompts()),
                patterns(policy, "allowResources", base.allowResources()),
                patterns(policy, "denyResources", base.denyResources()));
    }

    /** A wss:// or ws:// endpoint, null when absent; {@code ""} clears it. */
    String endpoint() {
        Object value = body.getValue("endpoint");
        if (value == null || "".equals(value)) {
            return value == null ? null : "";
        }
        if (!(value instanceof String text) || !text.startsWith("wss://") && !text.startsWith("ws://")) {
            problems.put("endpoint", "expected a ws:// or wss:// URL");
            return null;
        }
        return text;
    }

    /** A whole number of seconds from 0 to {@code max}; absent gives {@code fallback}. */
    long seconds(String field, long fallback, long max) {
        Object value = body.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number) || number.longValue() < 0 || number.longValue() > max
                || number.doubleValue() != number.longValue()) {
            problems.put(field, "expected an integer from 0 to " + max);
            return fallback;
        }
        return number.longValue();
    }


    /** Throws the validation error when any field was wrong. */
    void check() {
        if (!problems.isEmpty()) {
            throw ClientErrorException.invalid(problems);
        }
    }

    static JsonObject tenant(Tenant tenant) {
        return new JsonObject().put("id", tenant.id()).put("name", tenant.name())
                .put("status", tenant.status().name().toLowerCase(Locale.ROOT))
                .put("limits", new JsonObject().put("maxDevices", tenant.limits().maxDevices())
                        .put("maxSessions", tenant.limits().maxSessions())
                        .put("callsPerMinute", tenant.limits().callsPerMinute())
                        .put("deviceCallsPerMinute", tenant.limits().deviceCallsPerMinute())
                        .put("maxSessionsPerDevice", tenant.limits().maxSessionsPerDevice()))
                .put("policy", policyJson(tenant.policy()))
                .put("fromConfig", tenant.fingerprint() != null)
                .put("createdAt", Instant.ofEpochMilli(tenant.createdAt()).toString());
    }

    static JsonObject device(Device device, Long lastSeen) {
        JsonObject json = new JsonObject().put("tenant", device.tenant()).put("id", device.id())
                .put("name", device.name()).put("status", device.status().name().toLowerCase(Locale.ROOT))
                .put("hasEndpoint", device.encryptedEndpoint() != null)
                .put("createdAt", Instant.ofEpochMilli(device.createdAt()).toString())
                .put("fromConfig", device.fingerprint() != null)
                .put("lastSeenAt", lastSeen == null ? null : Instant.ofEpochMilli(lastSeen).toString());
        if (device.previousTokenHash() != null && device.previousValidUntil() > System.currentTimeMillis()) {
            json.put("previousTokenValidUntil", Instant.ofEpochMilli(device.previousValidUntil()).toString());
        }
        if (device.policy() != null) {
            json.put("policy", policyJson(device.policy()));
        }
        return json;
    }

    private static JsonObject policyJson(ToolRule policy) {
        return new JsonObject().put("allowTargets", new JsonArray(policy.allowTargets()))
                .put("denyTargets", new JsonArray(policy.denyTargets()))
                .put("allowTools", new JsonArray(policy.allowTools()))
                .put("denyTools", new JsonArray(policy.denyTools()))
                .put("allowPrompts", new JsonArray(policy.allowPrompts()))
                .put("denyPrompts", new JsonArray(policy.denyPrompts()))
                .put("allowResources", new JsonArray(policy.allowResources()))
                .put("denyResources", new JsonArray(policy.denyResources()));
    }

    private int count(JsonObject object, String field, int fallback) {
        Object value = object.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer number) || number < 0) {
            problems.put("limits." + field, "expected a non-negative integer (0: unlimited)");
            return fallback;
        }
        return number;
    }

    private List<String> patterns(JsonObject policy, String field, List<String> fallback) {
        Object value = policy.getValue(field);
        if (value == null) {
            return fallback;
        }
        List<String> patterns = new ArrayList<>();
        if (value instanceof JsonArray array && array.size() <= MAX_PATTERNS) {
            for (Object item : array) {
                if (!(item instanceof String text) || !Glob.isAcceptable(text)) {
                    problems.put("policy." + field, "expected a list of glob patterns of " + Glob.RULE);
                    return fallback;
                }
                patterns.add(text);
            }
            return patterns;
        }
        problems.put("policy." + field, "expected a list of at most " + MAX_PATTERNS + " glob patterns");
        return fallback;
    }
}
