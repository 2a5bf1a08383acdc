package dev.xiaozhi.relay.cli;

import dev.xiaozhi.relay.admin.AdminTokens;
import dev.xiaozhi.relay.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the admin API is and how to authenticate to it, for the onboarding commands. */
final class AdminOptions {

    private static final String DEFAULT_URL = "http://127.0.0.1:8081";

    @Option(names = "--admin-url", paramLabel = "URL",
            description = "The relay's admin port (env RELAY_ADMIN_URL; default " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "An admin token (env RELAY_ADMIN_TOKEN; default: the local node's <state-dir>/"
                    + AdminTokens.FILE + ").")
    String token;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "The local node's state directory, for its admin token (env RELAY_STATE_DIR; default "
                    + NodeConfig.DEFAULT_STATE_DIR + ").")
    Path stateDir;

    /** A client of the chosen admin API. */
    AdminHttp client() {
        String base = first(url, System.getenv("RELAY_ADMIN_URL"), DEFAULT_URL);
        return new AdminHttp(base.endsWith("/") ? base.substring(0, base.length() - 1) : base, token());
    }

    private String token() {
        String chosen = first(token, System.getenv("RELAY_ADMIN_TOKEN"), null);
        if (chosen != null) {
            return chosen;
        }
        Path dir = stateDir != null ? stateDir : Path.of(first(null, System.getenv("RELAY_STATE_DIR"),
                NodeConfig.DEFAULT_STATE_DIR));
        Path file = dir.resolve(AdminTokens.FILE);
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new IllegalStateException("no admin token: pass --admin-token or RELAY_ADMIN_TOKEN, or run this "
                    + "where the node keeps " + file);
        }
    }

    private static String first(String option, String env, String fallback) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        return env != null && !env.isBlank() ? env : fallback;
    }
}
