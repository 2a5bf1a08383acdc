package dev.xiaozhi.relay.secret;

import dev.xiaozhi.relay.config.SecretsConfig;
import dev.xiaozhi.relay.model.SecretValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Resolves {@link SecretValue}s when a request needs them: {@code ${env:NAME}} from the environment the configuration
 * was read with, {@code ${file:PATH}} read asynchronously on every use (so a rotated file is picked up), and
 * {@code ${aws-sm:NAME-OR-ARN[#jsonKey]}} from AWS Secrets Manager through {@link AwsSecrets} (cached). Each reference
 * may carry a {@code :-default}. A reference that cannot be resolved fails the future with a
 * {@link MissingSecretException} that names the reference, never a value. Safe to share between event loops: futures
 * complete on the caller's context.
 */
public final class SecretResolver {

    private static final String DEFAULT_SEPARATOR = ":-";

    private final Vertx vertx;
    private final Map<String, String> env;
    private final AwsSecrets aws;

    /**
     * @param env    the environment {@code ${env:...}} reads
     * @param config where Secrets Manager is and how long its values are cached
     */
    public SecretResolver(Vertx vertx, Map<String, String> env, SecretsConfig config) {
        this.vertx = vertx;
        this.env = Map.copyOf(env);
        this.aws = new AwsSecrets(vertx, config);
    }

    /** The value with every reference replaced. */
    public Future<String> resolve(SecretValue value) {
        Matcher matcher = SecretValue.REFERENCE.matcher(value.template());
        List<Future<String>> parts = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        int last = 0;
        while (matcher.find()) {
            literals.add(value.template().substring(last, matcher.start()));
            parts.add(matcher.group(1) == null ? Future.succeededFuture("${")
                    : lookup(matcher.group(), matcher.group(1), matcher.group(2), value));
            last = matcher.end();
        }
        String tail = value.template().substring(last);
        if (parts.isEmpty()) {
            return Future.succeededFuture(tail);
        }
        return Future.all(parts).map(all -> {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < parts.size(); i++) {
                text.append(literals.get(i)).append(all.<String>resultAt(i));
            }
            return text.append(tail).toString();
        });
    }

    /** Releases the Secrets Manager client, if one was made. */
    public void close() {
        aws.close();
    }

    private Future<String> lookup(String reference, String kind, String body, SecretValue value) {
        int separator = body.indexOf(DEFAULT_SEPARATOR);
        String name = separator < 0 ? body : body.substring(0, separator);
        String fallback = separator < 0 ? null : body.substring(separator + DEFAULT_SEPARATOR.length());
        Future<String> found = switch (kind) {
            case "env" -> {
                String text = env.get(name);
                yield text != null ? Future.succeededFuture(text)
                        : Future.failedFuture(new MissingSecretException(reference, "is not set"));
            }
            case "file" -> vertx.fileSystem().readFile(value.baseDir().resolve(name).toString())
                    .map(bytes -> bytes.toString(StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", ""))
                    .recover(failure -> Future.failedFuture(new MissingSecretException(reference,
                            "cannot be read (" + rootCause(failure).getClass().getSimpleName() + ")")));
            case "aws-sm" -> aws.read(reference, name);
            default -> Future.failedFuture(new MissingSecretException(reference, "has an unknown kind"));
        };
        return fallback == null ? found : found.recover(missing -> Future.succeededFuture(fallback));
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
