package dev.xiaozhi.relay.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Resolves a presented device token to the device it belongs to by the token's SHA-256 hash; hash equality is
 * checked in constant time ({@link TokenHash#equals}). Plain tokens are never kept.
 */
public final class DeviceDirectory {

    private final Map<TokenHash, DeviceIdentity> devices;

    /** @param devices every device by its token hash */
    public DeviceDirectory(Map<TokenHash, DeviceIdentity> devices) {
        this.devices = Map.copyOf(devices);
    }

    /** The device a token belongs to, if any. */
    public Optional<DeviceIdentity> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(devices.get(TokenHash.ofPlain(token)));
    }

    /** Number of devices known. */
    public int size() {
        return devices.size();
    }
}
