package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.PrefixMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One upstream tool source.
 *
 * @param name          the target's name, the prefix of its tools in the catalog
 * @param prefix        how its tool names are prefixed
 * @param timeout       deadline of one call
 * @param pingTimeout   of an MCP server (stdio, http, provider): how long it has to answer the JSON-RPC {@code ping}
 *                      sent after a call ran out of time before it counts as hung and is restarted
 * @param maxConcurrent calls in flight at most; more wait in a queue
 * @param maxQueued     calls waiting at most; more are refused as busy
 * @param enabled       whether the target is deployed
 * @param placement     on every node of a cluster, or on one
 * @param breaker       its circuit breaker
 * @param spec          what kind of target it is
 */
public record TargetConfig(String name, PrefixMode prefix, Duration timeout, Duration pingTimeout, int maxConcurrent,
        int maxQueued, boolean enabled, Placement placement, BreakerConfig breaker, TargetSpec spec) {

    /** What a target name looks like. */
    public static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$");
    /** Default call deadline. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default bound on the answer to the {@code ping} that checks a server after a call ran out of time. */
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);
    /** Default bound on calls in flight. */
    public static final int DEFAULT_MAX_CONCURRENT = 256;
    /** Default bound on calls waiting for a slot. */
    public static final int DEFAULT_MAX_QUEUED = 1024;

    private static final Map<String, BiFunction<ConfigNode, Path, TargetSpec>> TYPES = Map.of(
            "builtin", (node, baseDir) -> BuiltinTargetSpec.from(node),
            "stdio", StdioTargetSpec::from,
            "http", HttpTargetSpec::from,
            "openapi", OpenApiTargetSpec::from,
            "provider", (node, baseDir) -> ProviderTargetSpec.from(node));
    private static final List<String> COMMON_KEYS = List.of("type", "prefix", "timeout", "maxConcurrent", "maxQueued",
            "enabled", "placement", "breaker");
    private static final Map<String, List<String>> TYPE_KEYS = Map.of("builtin", List.of("builtin"),
            "stdio", withPing(StdioTargetSpec.keys()),
            "http", withPing(HttpTargetSpec.keys()),
            "openapi", OpenApiTargetSpec.keys(),
            "provider", withPing(ProviderTargetSpec.keys()));
    /** The values of {@code prefix}, by their name in the file. */
    static final Map<String, PrefixMode> PREFIXES = lowerCaseNames(PrefixMode.values());
    private static final Map<String, Placement> PLACEMENTS = lowerCaseNames(Placement.values());

    static TargetConfig from(String name, ConfigNode node, Path baseDir) {
        if (!NAME.matcher(name).matches()) {
            throw node.error("target names are 1 to 32 letters, digits, '_' or '-', starting with a letter or digit");
        }
        Map<String, String> types = new LinkedHashMap<>();
        TYPES.keySet().stream().sorted().forEach(type -> types.put(type, type));
        String type = node.oneOf("type", types, null);
        node.object(keysOf(type));
        return new TargetConfig(name,
                node.oneOf("prefix", PREFIXES, PrefixMode.ALWAYS),
                node.duration("timeout", DEFAULT_TIMEOUT),
                node.duration("pingTimeout", DEFAULT_PING_TIMEOUT),
                node.integer("maxConcurrent", 1, 100_000, DEFAULT_MAX_CONCURRENT),
                node.integer("maxQueued", 0, 1_000_000, DEFAULT_MAX_QUEUED),
                node.bool("enabled", true),
                node.oneOf("placement", PLACEMENTS, Placement.EVERYWHERE),
                BreakerConfig.from(node.child("breaker")),
                TYPES.get(type).apply(node, baseDir));
    }

    /** The keys of a kind of MCP server target, with {@code pingTimeout}. */
    private static List<String> withPing(List<String> keys) {
        return Stream.concat(keys.stream(), Stream.of("pingTimeout")).toList();
    }

    private static String[] keysOf(String type) {
        return Stream.concat(COMMON_KEYS.stream(), TYPE_KEYS.get(type).stream())
                .toArray(String[]::new);
    }

    static <E extends Enum<E>> Map<String, E> lowerCaseNames(E[] values) {
        Map<String, E> names = new LinkedHashMap<>();
        for (E value : values) {
            names.put(value.name().toLowerCase(Locale.ROOT), value);
        }
        return names;
    }
}
