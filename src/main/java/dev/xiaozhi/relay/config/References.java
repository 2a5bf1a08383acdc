package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.SecretValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Resolves {@code ${env:NAME}}, {@code ${file:PATH}} (relative to the config file) and their {@code :-default}
 * forms inside a string; {@code $${} stands for a literal {@code ${}.
 */
final class References {

    /** Kinds a secret value may reference; only {@code env} and {@code file} resolve while loading. */
    static final Set<String> SECRET_KINDS = Set.of("env", "file", "aws-sm");
    private static final String DEFAULT_SEPARATOR = ":-";

    private final Path baseDir;
    private final Map<String, String> env;

    References(Path baseDir, Map<String, String> env) {
        this.baseDir = baseDir;
        this.env = env;
    }

    /** A resolved scalar; {@code referenced} marks values that came from a reference and must not be echoed. */
    record Scalar(String value, boolean referenced) {

        /** How the value may appear in an error message. */
        String shown() {
            return referenced ? "a value from a reference" : "\"" + value + "\"";
        }
    }

    Map<String, String> environment() {
        return env;
    }

    Scalar resolve(String text, String path) {
        Matcher matcher = SecretValue.REFERENCE.matcher(text);
        StringBuilder result = new StringBuilder();
        boolean referenced = false;
        while (matcher.find()) {
            String replacement;
            if (matcher.group(1) == null) {
                replacement = "${";
            } else {
                replacement = lookup(matcher.group(1), matcher.group(2), path);
                referenced = true;
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return new Scalar(result.toString(), referenced);
    }

    /** A secret value: the reference syntax checked, nothing resolved. */
    SecretValue secret(String text, String path) {
        Matcher matcher = SecretValue.REFERENCE.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1) != null && !SECRET_KINDS.contains(matcher.group(1))) {
                throw new ConfigException(path + ": unknown reference kind '" + matcher.group(1)
                        + "'; supported: env, file, aws-sm");
            }
        }
        return new SecretValue(text, baseDir);
    }

    private String lookup(String kind, String body, String path) {
        int separator = body.indexOf(DEFAULT_SEPARATOR);
        String name = separator < 0 ? body : body.substring(0, separator);
        String fallback = separator < 0 ? null : body.substring(separator + DEFAULT_SEPARATOR.length());
        switch (kind) {
            case "env" -> {
                String value = env.get(name);
                if (value != null) {
                    return value;
                }
                if (fallback == null) {
                    throw new ConfigException(path + ": environment variable " + name + " is not set");
                }
                return fallback;
            }
            case "file" -> {
                Path file = baseDir.resolve(name);
                try {
                    return Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
                } catch (IOException e) {
                    if (fallback != null) {
                        return fallback;
                    }
                    throw new ConfigException(path + ": cannot read file " + file + " ("
                            + e.getClass().getSimpleName() + ")");
                }
            }
            case "aws-sm" -> throw new ConfigException(path + ": ${aws-sm:...} is resolved when used, so it is "
                    + "allowed only in secret values (auth, headers, credentials)");
            default -> throw new ConfigException(path + ": unknown reference kind '" + kind
                    + "'; supported: env, file");
        }
    }
}
