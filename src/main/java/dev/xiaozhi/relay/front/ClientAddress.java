package dev.xiaozhi.relay.front;

/**
 * Where a device's request comes from, as far as the relay can tell: the client's own address when a trusted proxy
 * vouches for it, otherwise the peer's.
 *
 * @param host   the client's IP address: what the failed-authentication throttle counts against
 * @param remote how the client is logged and listed: {@code host:port} of a direct peer, or
 *               {@code <client> via <proxy host:port>} behind trusted proxies
 */
public record ClientAddress(String host, String remote) {
}
