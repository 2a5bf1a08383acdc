package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.model.DeviceIdentity;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where the fronts look devices up, without blocking: by a presented token at the handshake, and by id when the
 * registry says a device or tenant changed. Only active devices of active tenants are found.
 */
public interface DeviceDirectory {

    /** The device a token belongs to; empty for a missing, unknown, revoked or expired token. */
    Future<Optional<DeviceIdentity>> authenticate(String token);

    /** A device's current identity; empty when it is gone, disabled, or its tenant is. */
    Future<Optional<DeviceIdentity>> lookup(String tenant, String device);
}
