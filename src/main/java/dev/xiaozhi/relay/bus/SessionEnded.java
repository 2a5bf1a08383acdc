package dev.xiaozhi.relay.bus;

/**
 * Tells a target that a downstream session is over, so that an upstream session kept for it ends too.
 *
 * @param session relay-wide id of the session ({@link CallerSession#id()})
 */
public record SessionEnded(String session) {
}
