package dev.xiaozhi.relay.upstream.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.config.AuthConfig;
import dev.xiaozhi.relay.config.SecretsConfig;
import dev.xiaozhi.relay.model.SecretValue;
import dev.xiaozhi.relay.secret.SecretResolver;
import dev.xiaozhi.relay.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies OAuth2 client credentials against a real local token endpoint: the token is cached, renewed before it
 * expires, fetched once for many concurrent requests, and dropped when the API refuses it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(30_000)
class OAuth2CredentialTest {

    private static final String CLIENT_SECRET = "client-secret-91ac";

    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicLong expiresIn = new AtomicLong(3600);
    private final List<String> authorizations = new ArrayList<>();
    private final List<String> forms = new ArrayList<>();
    private HttpServer tokenEndpoint;
    private HttpClientAgent client;
    private Context context;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        tokenEndpoint = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            int n = tokenRequests.incrementAndGet();
            synchronized (authorizations) {
                authorizations.add(request.getHeader("Authorization"));
                forms.add(body.toString());
            }
            vertx.setTimer(200, id -> request.response().putHeader("Content-Type", "application/json")
                    .end("{\"access_token\":\"tok-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                            + expiresIn.get() + "}"));
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        client = vertx.createHttpClient();
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        tokenEndpoint.close().await(10, TimeUnit.SECONDS);
    }

    /** Verifies the token request (basic client authentication, scopes) and that the token is then reused. */
    @Test
    void fetchesOnceAndReusesTheToken(Vertx vertx) throws Exception {
        Credential credential = credential(vertx);

        RequestAuth first = authorize(credential);
        RequestAuth second = authorize(credential);

        assertThat(first.headers()).containsEntry("Authorization", "Bearer tok-1");
        assertThat(second.headers()).containsEntry("Authorization", "Bearer tok-1");
        assertThat(tokenRequests.get()).isEqualTo(1);
        assertThat(authorizations.get(0)).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                ("relay-client:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
        assertThat(forms.get(0)).isEqualTo("grant_type=client_credentials&scope=read+write");
    }

    /** Verifies that many requests waiting for a token share one refresh. */
    @Test
    void sharesOneRefreshBetweenConcurrentRequests(Vertx vertx) throws Exception {
        Credential credential = credential(vertx);
        List<Future<RequestAuth>> all = new ArrayList<>();
        Promise<Void> started = Promise.promise();

        context.runOnContext(v -> {
            for (int i = 0; i < 20; i++) {
                all.add(credential.authorize());
            }
            started.complete();
        });
        started.future().await(10, TimeUnit.SECONDS);
        Future.all(all).await(10, TimeUnit.SECONDS);

        assertThat(all).allSatisfy(auth -> assertThat(auth.result().headers())
                .containsEntry("Authorization", "Bearer tok-1"));
        assertThat(tokenRequests.get()).isEqualTo(1);
    }

    /** Verifies that a token is renewed shortly before it expires, and at once after the API refused it. */
    @Test
    void renewsBeforeExpiryAndAfterARefusal(Vertx vertx) throws Exception {
        expiresIn.set(1);
        Credential credential = credential(vertx);

        assertThat(authorize(credential).headers()).containsEntry("Authorization", "Bearer tok-1");
        Await.until(vertx, () -> authorize(credential).headers().get("Authorization").equals("Bearer tok-2"));
        expiresIn.set(3600);
        String current = authorize(credential).headers().get("Authorization");
        context.runOnContext(v -> credential.rejected());

        assertThat(authorize(credential).headers().get("Authorization")).isNotEqualTo(current);
    }

    /** Verifies that a refused token request fails with the status, and the client secret is not in the error. */
    @Test
    void reportsARefusedTokenRequest(Vertx vertx) throws Exception {
        tokenEndpoint.close().await(10, TimeUnit.SECONDS);
        tokenEndpoint = vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(401)
                .end("{\"error\":\"invalid_client\"}")).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        Credential credential = credential(vertx);

        assertThatThrownBy(() -> authorize(credential))
                .hasMessageContaining("token endpoint answered HTTP 401: {\"error\":\"invalid_client\"}")
                .hasMessageNotContaining(CLIENT_SECRET);
    }

    private Credential credential(Vertx vertx) {
        AuthConfig.OAuth2 auth = new AuthConfig.OAuth2(URI.create("http://127.0.0.1:" + tokenEndpoint.actualPort()
                + "/token"), SecretValue.literal("relay-client"), new SecretValue("${env:CLIENT_SECRET}", null),
                List.of("read", "write"));
        SecretResolver secrets = new SecretResolver(vertx, Map.of("CLIENT_SECRET", CLIENT_SECRET),
                SecretsConfig.DEFAULT);
        return new TargetCredentials(Optional.of(auth), Map.of(), secrets, client, 5_000).forTenant("acme");
    }

    private RequestAuth authorize(Credential credential) throws Exception {
        Promise<RequestAuth> result = Promise.promise();
        context.runOnContext(v -> credential.authorize().onComplete(result));
        return result.future().await(10, TimeUnit.SECONDS);
    }
}
