package dev.xiaozhi.relay.upstream.credential;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.AuthConfig;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.secret.SecretResolver;
import dev.xiaozhi.relay.upstream.http.BoundedBody;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4, client authenticated with HTTP basic): the access token is
 * cached until shortly before it expires, and concurrent requests share one refresh.
 */
final class OAuth2Credential implements Credential {

    /** A token is renewed this long before it expires (less for short-lived tokens). */
    static final long EXPIRY_MARGIN_MS = 30_000;
    private static final long DEFAULT_LIFETIME_MS = 300_000;
    private static final int MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
    private static final int EXCERPT_CHARS = 200;

    private final AuthConfig.OAuth2 auth;
    private final SecretResolver secrets;
    private final HttpClientAgent client;
    private final long timeoutMs;
    private String token;
    private long renewAtMs;
    private Future<String> refreshing;

    OAuth2Credential(AuthConfig.OAuth2 auth, SecretResolver secrets, HttpClientAgent client, long timeoutMs) {
        this.auth = auth;
        this.secrets = secrets;
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Future<RequestAuth> authorize() {
        if (token != null && System.currentTimeMillis() < renewAtMs) {
            return Future.succeededFuture(header(token));
        }
        if (refreshing == null) {
            refreshing = fetchToken().andThen(done -> refreshing = null);
        }
        return refreshing.map(OAuth2Credential::header);
    }

    @Override
    public void rejected() {
        token = null;
    }

    private Future<String> fetchToken() {
        return Future.all(secrets.resolve(auth.clientId()), secrets.resolve(auth.clientSecret()))
                .compose(ids -> {
                    String form = "grant_type=client_credentials" + (auth.scopes().isEmpty() ? ""
                            : "&scope=" + URLEncoder.encode(String.join(" ", auth.scopes()), StandardCharsets.UTF_8));
                    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                            .add(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .add(HttpHeaders.ACCEPT, "application/json")
                            .add(HttpHeaders.AUTHORIZATION, SecretCredential.basic(formEncoded(ids.resultAt(0)),
                                    formEncoded(ids.resultAt(1))));
                    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                            .setAbsoluteURI(auth.tokenUrl().toString()).setHeaders(headers).setIdleTimeout(timeoutMs);
                    return client.request(options).compose(request -> request.send(form));
                })
                .compose(response -> BoundedBody.read(response, MAX_TOKEN_RESPONSE_BYTES)
                        .map(body -> accept(response.statusCode(), body)));
    }

    private String accept(int status, Buffer body) {
        if (status != 200) {
            throw new IllegalStateException("token endpoint answered HTTP " + status + ": "
                    + BoundedBody.excerpt(body, EXCERPT_CHARS));
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("token endpoint answered no JSON");
        }
        JsonNode accessToken = json.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isEmpty()) {
            throw new IllegalStateException("token endpoint answered no access_token");
        }
        long lifetimeMs = json.path("expires_in").canConvertToLong()
                ? json.get("expires_in").asLong() * 1000 : DEFAULT_LIFETIME_MS;
        token = accessToken.asText();
        renewAtMs = System.currentTimeMillis() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10);
        return token;
    }

    private static RequestAuth header(String token) {
        return new RequestAuth(Map.of("Authorization", "Bearer " + token), Map.of());
    }

    /** RFC 6749 section 2.3.1: client id and secret are form-encoded before the basic scheme. */
    private static String formEncoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
