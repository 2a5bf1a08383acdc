package dev.xiaozhi.relay.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A target built into the relay.
 *
 * @param builtin which one: {@code calculator} or {@code diagnostics}
 */
public record BuiltinTargetSpec(String builtin) implements TargetSpec {

    /** The builtins there are. */
    public static final List<String> BUILTINS = List.of("calculator", "diagnostics");

    static BuiltinTargetSpec from(ConfigNode node) {
        Map<String, String> allowed = new LinkedHashMap<>();
        BUILTINS.forEach(name -> allowed.put(name, name));
        return new BuiltinTargetSpec(node.oneOf("builtin", allowed, null));
    }
}
