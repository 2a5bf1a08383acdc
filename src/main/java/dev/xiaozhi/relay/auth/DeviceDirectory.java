package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.model.DeviceIdentity;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where the fronts look devices up, without blocking: by a presented token at the handshake, and by id when the
 * registry says a device or tenant changed; and until when the token a session was opened with lets its device in,
 * so that the session ends with the token (a rotated-out one at the end of its grace). Only active devices of active
 * tenants are found.
 */
public interface DeviceDirectory {

    /** The device a token belongs to; empty for a missing, unknown, revoked or expired token. */
    Future<Optional<DeviceIdentity>> authenticate(String token);

    /** A device's current identity; empty when it is gone, disabled, or its tenant is. */
    Future<Optional<DeviceIdentity>> lookup(String tenant, String device);

    /**
     * Until when the token of this hash ({@code sha256:<hex>}) lets the device in, epoch milliseconds:
     * {@link Long#MAX_VALUE} for its current token, the end of the grace for the one a rotation replaced, 0 when it
     * does not (any more). A directory whose tokens never change keeps every token valid.
     */
    default Future<Long> tokenValidUntil(String tenant, String device, String tokenHash) {
        return Future.succeededFuture(Long.MAX_VALUE);
    }
}
