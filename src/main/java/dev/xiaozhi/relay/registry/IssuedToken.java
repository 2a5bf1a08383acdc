package dev.xiaozhi.relay.registry;

/**
 * A device together with its new plain token: shown once to whoever created or rotated it, never stored.
 *
 * @param device the device as stored
 * @param token  the plain token
 */
public record IssuedToken(Device device, String token) {

    @Override
    public String toString() {
        return "IssuedToken[" + device.key() + "]";
    }
}
