package dev.xiaozhi.relay.upstream.credential;

import io.vertx.core.Future;

/** One way of authenticating requests to an API; secrets are resolved when a request needs them. */
public interface Credential {

    /**
     * What to add to the next request. Fails with a
     * {@link dev.xiaozhi.relay.secret.MissingSecretException} naming a reference that cannot be resolved, or with
     * the cause when a token cannot be obtained.
     */
    Future<RequestAuth> authorize();

    /** The API refused what {@link #authorize()} gave (HTTP 401): a cached token is dropped. */
    default void rejected() {
    }
}
