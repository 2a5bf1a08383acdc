package dev.xiaozhi.relay.upstream.credential;

import dev.xiaozhi.relay.config.AuthConfig;
import dev.xiaozhi.relay.secret.SecretResolver;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** API key, bearer and basic authentication: secrets put into a header or the query as they are. */
final class SecretCredential implements Credential {

    private static final String AUTHORIZATION = "Authorization";

    private final AuthConfig auth;
    private final SecretResolver secrets;

    SecretCredential(AuthConfig auth, SecretResolver secrets) {
        this.auth = auth;
        this.secrets = secrets;
    }

    @Override
    public Future<RequestAuth> authorize() {
        if (auth instanceof AuthConfig.ApiKey key) {
            return secrets.resolve(key.value()).map(value -> key.inQuery()
                    ? new RequestAuth(Map.of(), Map.of(key.name(), key.prefix() + value))
                    : new RequestAuth(Map.of(key.name(), key.prefix() + value), Map.of()));
        }
        if (auth instanceof AuthConfig.Bearer bearer) {
            return secrets.resolve(bearer.token())
                    .map(token -> new RequestAuth(Map.of(AUTHORIZATION, "Bearer " + token), Map.of()));
        }
        AuthConfig.Basic basic = (AuthConfig.Basic) auth;
        return Future.all(secrets.resolve(basic.username()), secrets.resolve(basic.password()))
                .map(both -> new RequestAuth(Map.of(AUTHORIZATION, basic(both.resultAt(0), both.resultAt(1))),
                        Map.of()));
    }

    /** The value of a basic {@code Authorization} header. */
    static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }
}
