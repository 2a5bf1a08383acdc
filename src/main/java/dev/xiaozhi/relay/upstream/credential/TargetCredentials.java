package dev.xiaozhi.relay.upstream.credential;

import dev.xiaozhi.relay.config.AuthConfig;
import dev.xiaozhi.relay.secret.SecretResolver;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials of one target, keyed by tenant: a tenant that brings its own uses them, every other tenant the
 * target's default. Each credential (and so each OAuth2 token cache) is created once and kept.
 */
public final class TargetCredentials {

    private static final Credential ANONYMOUS = () -> Future.succeededFuture(RequestAuth.NONE);

    private final Credential defaultCredential;
    private final Map<String, Credential> byTenant = new HashMap<>();

    /**
     * @param defaultAuth the target's own authentication, if any
     * @param tenantAuth  tenants' own authentication for this target
     * @param secrets     resolves the secrets they reference
     * @param client      HTTP client for token endpoints
     * @param timeoutMs   deadline of a token request
     */
    public TargetCredentials(Optional<AuthConfig> defaultAuth, Map<String, AuthConfig> tenantAuth,
            SecretResolver secrets, HttpClientAgent client, long timeoutMs) {
        this.defaultCredential = defaultAuth.map(auth -> create(auth, secrets, client, timeoutMs)).orElse(ANONYMOUS);
        tenantAuth.forEach((tenant, auth) -> byTenant.put(tenant, create(auth, secrets, client, timeoutMs)));
    }

    /** The credential a tenant's calls use. */
    public Credential forTenant(String tenant) {
        return byTenant.getOrDefault(tenant, defaultCredential);
    }

    private static Credential create(AuthConfig auth, SecretResolver secrets, HttpClientAgent client,
            long timeoutMs) {
        return auth instanceof AuthConfig.OAuth2 oauth2 ? new OAuth2Credential(oauth2, secrets, client, timeoutMs)
                : new SecretCredential(auth, secrets);
    }
}
