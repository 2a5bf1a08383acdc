package dev.xiaozhi.relay.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.common.AddressBlock;
import dev.xiaozhi.relay.common.Glob;
import dev.xiaozhi.relay.model.SecretValue;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node of the YAML tree together with its dotted key path, with typed readers that resolve references and fail
 * with {@code <path>: <what was expected>}.
 */
final class ConfigNode {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|k|K|M)?");

    private final JsonNode node;
    private final String path;
    private final References references;

    ConfigNode(JsonNode node, String path, References references) {
        this.node = node;
        this.path = path;
        this.references = references;
    }

    String path() {
        return path;
    }

    boolean isPresent() {
        return node != null && !node.isNull();
    }

    boolean isMapping() {
        return node != null && node.isObject();
    }

    boolean has(String key) {
        JsonNode value = node == null ? null : node.get(key);
        return value != null && !value.isNull();
    }

    /** This node as an object with only the given keys; a missing node reads as an empty object. */
    ConfigNode object(String... knownKeys) {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw error("expected a mapping of keys");
        }
        if (node != null && node.isObject()) {
            Set<String> known = Set.of(knownKeys);
            node.fieldNames().forEachRemaining(key -> {
                if (!known.contains(key)) {
                    throw new ConfigException(child(key).path + ": unknown key; known keys: "
                            + String.join(", ", knownKeys));
                }
            });
        }
        return this;
    }

    ConfigNode child(String key) {
        if (key == null) {
            return this;
        }
        return new ConfigNode(node == null ? null : node.get(key), path.isEmpty() ? key : path + "." + key,
                references);
    }

    /** The entries of a mapping below {@code key}, in file order. */
    Map<String, ConfigNode> entries(String key) {
        ConfigNode child = child(key);
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        if (child.node == null || child.node.isNull()) {
            return entries;
        }
        if (!child.node.isObject()) {
            throw child.error("expected a mapping of names to entries");
        }
        child.node.fieldNames().forEachRemaining(name -> entries.put(name, child.child(name)));
        return entries;
    }

    Optional<String> optionalString(String key) {
        ConfigNode child = child(key);
        return child.node == null || child.node.isNull() ? Optional.empty()
                : Optional.of(child.scalar().value());
    }

    String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    String requiredString(String key) {
        return optionalString(key).orElseThrow(() -> child(key).error("required"));
    }

    int integer(String key, int min, int max, int defaultValue) {
        ConfigNode child = child(key);
        if (child.node == null || child.node.isNull()) {
            return defaultValue;
        }
        References.Scalar scalar = child.scalar();
        try {
            long value = Long.parseLong(scalar.value().trim());
            if (value >= min && value <= max) {
                return (int) value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw child.error("expected an integer between " + min + " and " + max + ", got " + scalar.shown());
    }

    boolean bool(String key, boolean defaultValue) {
        ConfigNode child = child(key);
        if (child.node == null || child.node.isNull()) {
            return defaultValue;
        }
        References.Scalar scalar = child.scalar();
        return switch (scalar.value().trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw child.error("expected true or false, got " + scalar.shown());
        };
    }

    Duration duration(String key, Duration defaultValue) {
        ConfigNode child = child(key);
        if (child.node == null || child.node.isNull()) {
            return defaultValue;
        }
        References.Scalar scalar = child.scalar();
        Matcher matcher = DURATION.matcher(scalar.value().trim());
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw child.error("expected a positive duration like 500ms, 30s, 2m or 1h, got " + scalar.shown());
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    int size(String key, int min, int max, int defaultValue) {
        ConfigNode child = child(key);
        if (child.node == null || child.node.isNull()) {
            return defaultValue;
        }
        References.Scalar scalar = child.scalar();
        Matcher matcher = SIZE.matcher(scalar.value().trim());
        if (matcher.matches()) {
            long unit = switch (matcher.group(2) == null ? "B" : matcher.group(2)) {
                case "KiB", "k", "K" -> 1024;
                case "MiB", "M" -> 1024 * 1024;
                default -> 1;
            };
            long bytes = Long.parseLong(matcher.group(1)) * unit;
            if (bytes >= min && bytes <= max) {
                return (int) bytes;
            }
        }
        throw child.error("expected a size from " + min + " to " + max + " bytes (e.g. 8192, 64KiB, 1MiB), got "
                + scalar.shown());
    }

    /** One of the allowed words, mapped to its value. */
    <E> E oneOf(String key, Map<String, E> allowed, E defaultValue) {
        ConfigNode child = child(key);
        if (child.node == null || child.node.isNull()) {
            if (defaultValue == null) {
                throw child.error("required; expected one of " + String.join(", ", allowed.keySet()));
            }
            return defaultValue;
        }
        E value = allowed.get(child.scalar().value());
        if (value == null) {
            throw child.error("expected one of " + String.join(", ", allowed.keySet()));
        }
        return value;
    }

    /** The environment references resolve against. */
    Map<String, String> environment() {
        return references.environment();
    }

    /** A list of strings below {@code key} (this node itself when {@code key} is null); a single string counts. */
    List<String> stringList(String key, List<String> defaultValue) {
        ConfigNode child = key == null ? this : child(key);
        if (child.node == null || child.node.isNull()) {
            return defaultValue;
        }
        if (key == null && child.node.isValueNode()) {
            return List.of(child.scalar().value());
        }
        if (!child.node.isArray()) {
            throw child.error("expected a list of strings");
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < child.node.size(); i++) {
            values.add(new ConfigNode(child.node.get(i), child.path + "[" + i + "]", references).scalar().value());
        }
        return List.copyOf(values);
    }

    /** A list of glob patterns below {@code key}, each within {@link Glob#RULE}. */
    List<String> globList(String key, List<String> defaultValue) {
        List<String> globs = stringList(key, defaultValue);
        for (int i = 0; i < globs.size(); i++) {
            if (!Glob.isAcceptable(globs.get(i))) {
                throw new ConfigException(child(key).path + "[" + i + "]: expected a glob pattern of " + Glob.RULE);
            }
        }
        return globs;
    }

    /** A list of IP address blocks in CIDR notation below {@code key}; empty when absent. */
    List<AddressBlock> addressBlocks(String key) {
        List<String> cidrs = stringList(key, List.of());
        List<AddressBlock> blocks = new ArrayList<>();
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                blocks.add(AddressBlock.parse(cidrs.get(i)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(child(key).path + "[" + i + "]: " + e.getMessage() + ", got \""
                        + cidrs.get(i) + "\"");
            }
        }
        return List.copyOf(blocks);
    }

    /**
     * A value below {@code key} whose references stay unresolved until it is used (auth values, headers,
     * credentials); only the reference syntax is checked here.
     */
    Optional<SecretValue> secret(String key) {
        ConfigNode child = child(key);
        if (child.node == null || child.node.isNull()) {
            return Optional.empty();
        }
        if (!child.node.isValueNode()) {
            throw child.error("expected a single value, not a " + (child.node.isArray() ? "list" : "mapping"));
        }
        return Optional.of(references.secret(child.node.asText(), child.path));
    }

    /** A mapping of names to secret values below {@code key}, in file order. */
    Map<String, SecretValue> secretMap(String key) {
        Map<String, SecretValue> values = new LinkedHashMap<>();
        entries(key).forEach((name, value) -> values.put(name, value.secret(null).orElseThrow(
                () -> value.error("expected a value"))));
        return Collections.unmodifiableMap(values);
    }

    /** An http:// or https:// URL below {@code key}. */
    Optional<URI> httpUrl(String key) {
        return optionalString(key).map(text -> {
            try {
                URI url = URI.create(text);
                if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                    return url;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw child(key).error("expected an http:// or https:// URL");
        });
    }

    /** A mapping of names to string values below {@code key}, in file order. */
    Map<String, String> stringMap(String key) {
        Map<String, String> values = new LinkedHashMap<>();
        entries(key).forEach((name, value) -> values.put(name, value.scalar().value()));
        return Collections.unmodifiableMap(values);
    }

    ConfigException error(String expectation) {
        return new ConfigException(path + ": " + expectation);
    }

    private References.Scalar scalar() {
        if (!node.isValueNode()) {
            throw error("expected a single value, not a " + (node.isArray() ? "list" : "mapping"));
        }
        return references.resolve(node.asText(), path);
    }
}
