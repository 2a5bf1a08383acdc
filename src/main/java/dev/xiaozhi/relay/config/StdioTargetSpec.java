package dev.xiaozhi.relay.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An MCP server the relay starts as a child process and speaks to over stdin/stdout.
 *
 * @param command     the program
 * @param args        its arguments
 * @param env         its own variables
 * @param cwd         working directory; the relay's when empty
 * @param inheritEnv  names or glob patterns of the relay's variables it gets besides PATH, HOME, LANG, TZ and the
 *                    like (e.g. {@code [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]}); see {@link ChildEnvironment}
 * @param environment the whole environment it starts with (values may be secrets: never logged)
 * @param maxResponseBytes longest line of stdout taken in; a longer one is dropped as it is read
 */
public record StdioTargetSpec(String command, List<String> args, Map<String, String> env, Optional<Path> cwd,
        List<String> inheritEnv, Map<String, String> environment, int maxResponseBytes) implements TargetSpec {

    /** Default longest stdout line: 4 MiB, as an http target's default response bound. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = HttpTargetSpec.DEFAULT_MAX_RESPONSE_BYTES;

    /** {@code inheritEnv} of the servers of the drop-in pipe mode: all the user's variables, as mcp_pipe.py does. */
    public static final List<String> INHERIT_ALL = List.of("*");

    @Override
    public String toString() {
        return "StdioTargetSpec[command=" + command + ", args=" + args + ", env=" + env.keySet() + ", inheritEnv="
                + inheritEnv + "]";
    }

    static StdioTargetSpec from(ConfigNode node, Path baseDir) {
        Map<String, String> env = node.stringMap("env");
        List<String> inheritEnv = node.globList("inheritEnv", List.of());
        return new StdioTargetSpec(node.requiredString("command"), node.stringList("args", List.of()), env,
                node.optionalString("cwd").map(baseDir::resolve), inheritEnv,
                ChildEnvironment.of(node.environment(), inheritEnv, env),
                node.size("maxResponseBytes", 1024, 256 * 1024 * 1024, DEFAULT_MAX_RESPONSE_BYTES));
    }

    /** Keys of a stdio target besides the common ones. */
    static List<String> keys() {
        return List.of("command", "args", "env", "cwd", "inheritEnv", "maxResponseBytes");
    }
}
