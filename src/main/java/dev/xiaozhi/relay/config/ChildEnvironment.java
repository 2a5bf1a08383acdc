package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.common.Glob;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment a stdio target's process starts with, built from the relay's own: the few variables any program
 * may need ({@link #BASELINE}), those the target names in {@code inheritEnv} (names or glob patterns), then the
 * target's own {@code env}. Nothing else: not the relay's tokens and keys, not the variables its configuration reads
 * secrets from, not cloud credentials. A pattern never carries the relay's own variables ({@code RELAY_*}) nor
 * {@code MCP_ENDPOINT} (it holds the agent's token); those pass only when named exactly. Names compare without case,
 * as on Windows.
 */
final class ChildEnvironment {

    /** What every child gets from the relay's environment, when set. */
    static final List<String> BASELINE = List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE",
            "LC_*", "TZ", "TERM", "TMPDIR", "TMP", "TEMP", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
            "XDG_DATA_HOME", "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "USERPROFILE", "APPDATA",
            "LOCALAPPDATA", "PROGRAMDATA", "PROGRAMFILES");
    private static final List<String> NAMED_ONLY = List.of("RELAY_*", "MCP_ENDPOINT");

    private ChildEnvironment() {
    }

    /** The child's environment. */
    static Map<String, String> of(Map<String, String> relayEnv, List<String> inheritEnv, Map<String, String> own) {
        List<String> patterns = inheritEnv.stream().map(pattern -> pattern.toUpperCase(Locale.ROOT)).toList();
        Map<String, String> env = new TreeMap<>();
        relayEnv.forEach((name, value) -> {
            if (inherited(name.toUpperCase(Locale.ROOT), patterns)) {
                env.put(name, value);
            }
        });
        env.putAll(own);
        return Collections.unmodifiableMap(env);
    }

    private static boolean inherited(String name, List<String> patterns) {
        if (patterns.contains(name)) {
            return true;
        }
        return !Glob.anyMatches(NAMED_ONLY, name) && (Glob.anyMatches(BASELINE, name) || Glob.anyMatches(patterns,
                name));
    }
}
