package dev.xiaozhi.relay.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An MCP server the relay starts as a child process and speaks to over stdin/stdout.
 *
 * @param command the program
 * @param args    its arguments
 * @param env     variables added to the relay's environment
 * @param cwd     working directory; the relay's when empty
 */
public record StdioTargetSpec(String command, List<String> args, Map<String, String> env, Optional<Path> cwd)
        implements TargetSpec {

    @Override
    public String toString() {
        return "StdioTargetSpec[command=" + command + ", args=" + args + ", env=" + env.keySet() + "]";
    }

    static StdioTargetSpec from(ConfigNode node, Path baseDir) {
        return new StdioTargetSpec(node.requiredString("command"), node.stringList("args", List.of()),
                node.stringMap("env"), node.optionalString("cwd").map(baseDir::resolve));
    }
}
