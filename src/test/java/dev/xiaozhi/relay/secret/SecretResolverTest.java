package dev.xiaozhi.relay.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.config.SecretsConfig;
import dev.xiaozhi.relay.model.SecretValue;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeSecretsManager;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies secret references: the environment, files read on each use, and AWS Secrets Manager through the real SDK
 * against a local server that speaks its protocol; failures name the reference and never a value.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class SecretResolverTest {

    private static final String API_KEY = "sm-football-key-0c1d";
    private static FakeSecretsManager secretsManager;

    @BeforeAll
    static void start() throws Exception {
        // the SDK's default credentials chain reads these system properties before the environment
        System.setProperty("aws.accessKeyId", "AKIDRELAYTEST");
        System.setProperty("aws.secretAccessKey", "relay-test-secret-access-key");
        secretsManager = FakeSecretsManager.start()
                .put("relay/football", "{\"apiKey\":\"" + API_KEY + "\",\"host\":\"api-football\"}")
                .put("plain-token", "token-8e1f");
    }

    @AfterAll
    static void stop() throws Exception {
        secretsManager.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    /** Verifies environment and file references, defaults, escapes, and that a file is read again on each use. */
    @Test
    void resolvesEnvironmentAndFileReferences(Vertx vertx, @TempDir Path dir) throws Exception {
        SecretResolver secrets = new SecretResolver(vertx, Map.of("TOKEN", "abc"), SecretsConfig.DEFAULT);
        Files.writeString(dir.resolve("key.txt"), "first\n");

        assertThat(resolve(vertx, secrets, new SecretValue("Bearer ${env:TOKEN}/${file:key.txt}", dir)))
                .isEqualTo("Bearer abc/first");
        assertThat(resolve(vertx, secrets, new SecretValue("${env:UNSET:-fallback} $${env:TOKEN}", dir)))
                .isEqualTo("fallback ${env:TOKEN}");
        Files.writeString(dir.resolve("key.txt"), "rotated");
        assertThat(resolve(vertx, secrets, new SecretValue("${file:key.txt}", dir))).isEqualTo("rotated");
    }

    /** Verifies that an unresolvable reference fails with a message naming it. */
    @Test
    void namesTheReferenceThatCannotBeResolved(Vertx vertx, @TempDir Path dir) {
        SecretResolver secrets = new SecretResolver(vertx, Map.of("TOKEN", "abc"), SecretsConfig.DEFAULT);

        assertThatThrownBy(() -> resolve(vertx, secrets, new SecretValue("x-${env:TOKEN}-${env:NOPE}", dir)))
                .isInstanceOf(MissingSecretException.class).hasMessage("secret ${env:NOPE} is not set");
        assertThatThrownBy(() -> resolve(vertx, secrets, new SecretValue("${file:absent.key}", dir)))
                .hasMessage("secret ${file:absent.key} cannot be read (NoSuchFileException)");
    }

    /**
     * Verifies Secrets Manager: the SDK's signed GetSecretValue request, a JSON key, a whole text, a missing secret
     * and key, and that values are cached and concurrent reads share one request.
     */
    @Test
    void readsSecretsManagerThroughTheSdk(Vertx vertx) throws Exception {
        SecretResolver secrets = new SecretResolver(vertx, Map.of(), new SecretsConfig(Optional.of("us-west-2"),
                Optional.of(secretsManager.endpoint()), Duration.ofMinutes(5)));
        int before = secretsManager.received().size();

        List<Future<String>> concurrent = new ArrayList<>();
        Context context = vertx.getOrCreateContext();
        Promise<Void> sent = Promise.promise();
        context.runOnContext(v -> {
            for (int i = 0; i < 10; i++) {
                concurrent.add(secrets.resolve(new SecretValue("${aws-sm:relay/football#apiKey}", null)));
            }
            sent.complete();
        });
        sent.future().await(10, TimeUnit.SECONDS);
        Future.all(concurrent).await(10, TimeUnit.SECONDS);

        assertThat(concurrent).allSatisfy(value -> assertThat(value.result()).isEqualTo(API_KEY));
        assertThat(resolve(vertx, secrets, new SecretValue("${aws-sm:relay/football#host}", null)))
                .isEqualTo("api-football");
        assertThat(resolve(vertx, secrets, new SecretValue("${aws-sm:plain-token}", null))).isEqualTo("token-8e1f");
        List<FakeSecretsManager.Received> received = secretsManager.received().subList(before,
                secretsManager.received().size());
        assertThat(received).extracting(FakeSecretsManager.Received::secretId)
                .containsExactly("relay/football", "plain-token");
        assertThat(received.get(0).target()).isEqualTo("secretsmanager.GetSecretValue");
        assertThat(received.get(0).contentType()).isEqualTo("application/x-amz-json-1.1");
        assertThat(received.get(0).authorization()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDRELAYTEST/")
                .contains("/us-west-2/secretsmanager/aws4_request").contains("Signature=");

        assertThatThrownBy(() -> resolve(vertx, secrets, new SecretValue("${aws-sm:relay/absent}", null)))
                .isInstanceOf(MissingSecretException.class)
                .hasMessage("secret ${aws-sm:relay/absent} was not found in AWS Secrets Manager");
        assertThatThrownBy(() -> resolve(vertx, secrets, new SecretValue("${aws-sm:relay/football#nokey}", null)))
                .hasMessage("secret ${aws-sm:relay/football#nokey} has no key 'nokey'")
                .hasMessageNotContaining(API_KEY);
        secrets.close();
    }

    /** Verifies that a value is read again once its cache time is over. */
    @Test
    void readsAgainAfterTheCacheTime(Vertx vertx) throws Exception {
        SecretResolver secrets = new SecretResolver(vertx, Map.of(), new SecretsConfig(Optional.of("us-west-2"),
                Optional.of(secretsManager.endpoint()), Duration.ofMillis(200)));
        SecretValue token = new SecretValue("${aws-sm:plain-token}", null);
        int before = secretsManager.received().size();

        resolve(vertx, secrets, token);
        resolve(vertx, secrets, token);
        int afterTwo = secretsManager.received().size();
        Await.until(vertx, () -> {
            resolve(vertx, secrets, token);
            return secretsManager.received().size() > afterTwo;
        });

        assertThat(afterTwo - before).isEqualTo(1);
        secrets.close();
    }

    private static String resolve(Vertx vertx, SecretResolver secrets, SecretValue value) throws Exception {
        Promise<String> result = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> secrets.resolve(value).onComplete(result));
        return result.future().await(20, TimeUnit.SECONDS);
    }
}
