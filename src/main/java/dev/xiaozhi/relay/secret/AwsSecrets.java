package dev.xiaozhi.relay.secret;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.SecretsConfig;
import dev.xiaozhi.relay.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Reads secrets from AWS Secrets Manager ({@code GetSecretValue}) with the SDK's default credentials chain, on worker
 * threads. A value is kept for the configured time and shared by every caller; concurrent reads of one secret make
 * one request. Failures are not cached. The client is made on first use, so a relay without {@code aws-sm}
 * references needs no AWS region or credentials.
 */
final class AwsSecrets {

    private final Vertx vertx;
    private final SecretsConfig config;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private SecretsManagerClient client;

    AwsSecrets(Vertx vertx, SecretsConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    /**
     * The text of a secret, or one key of its JSON text.
     *
     * @param reference the reference as configured, for messages
     * @param secret    the secret's name or ARN, optionally followed by {@code #jsonKey}
     */
    Future<String> read(String reference, String secret) {
        int hash = secret.lastIndexOf('#');
        String id = hash < 0 ? secret : secret.substring(0, hash);
        String key = hash < 0 ? null : secret.substring(hash + 1);
        long now = System.nanoTime();
        Cached cached = cache.compute(id, (name, old) -> old != null && old.fresh(now) ? old : fetch(name, now));
        return Future.fromCompletionStage(cached.value(), vertx.getOrCreateContext())
                .recover(failure -> Future.failedFuture(missing(reference, failure)))
                .map(text -> key == null ? text : jsonKey(reference, text, key));
    }

    synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private Cached fetch(String id, long now) {
        CompletableFuture<String> value = vertx.executeBlocking(() -> {
            String text = client().getSecretValue(request -> request.secretId(id)).secretString();
            if (text == null) {
                throw new IllegalStateException("holds binary data, not text");
            }
            return text;
        }, false).toCompletionStage().toCompletableFuture();
        Cached cached = new Cached(value, now + config.cacheTtl().toNanos());
        value.whenComplete((text, failure) -> {
            if (failure != null) {
                cache.remove(id, cached);
            }
        });
        return cached;
    }

    private synchronized SecretsManagerClient client() {
        if (client == null) {
            SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                    .httpClient(UrlConnectionHttpClient.create());
            config.awsRegion().map(Region::of).ifPresent(builder::region);
            config.awsEndpoint().ifPresent(builder::endpointOverride);
            client = builder.build();
        }
        return client;
    }

    private static String jsonKey(String reference, String text, String key) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new MissingSecretException(reference, "is not JSON, so it has no key '" + key + "'");
        }
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            throw new MissingSecretException(reference, "has no key '" + key + "'");
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static MissingSecretException missing(String reference, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ResourceNotFoundException) {
            return new MissingSecretException(reference, "was not found in AWS Secrets Manager");
        }
        if (cause instanceof SdkClientException && String.valueOf(cause.getMessage()).contains("region")) {
            return new MissingSecretException(reference, "cannot be read: no AWS region (set secrets.awsRegion or "
                    + "AWS_REGION)");
        }
        if (cause instanceof IllegalStateException) {
            return new MissingSecretException(reference, cause.getMessage());
        }
        return new MissingSecretException(reference, "cannot be read (" + cause.getClass().getSimpleName() + ")");
    }

    /** A value being read or read, with the time it stops being reused. */
    private record Cached(CompletableFuture<String> value, long expiresAtNanos) {

        boolean fresh(long now) {
            return now - expiresAtNanos < 0;
        }
    }
}
