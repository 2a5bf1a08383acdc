package dev.xiaozhi.relay.upstream.openapi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Refuses loopback, private, link-local (cloud metadata), carrier-grade NAT, unique-local and multicast destinations
 * unless the target allows private networks: a guard against server-side request forgery through API base URLs and
 * redirects. The name is resolved once and the connection goes to the checked address, so a second resolution cannot
 * swap it.
 */
final class DestinationGuard {

    private final Vertx vertx;
    private final boolean allowPrivate;

    DestinationGuard(Vertx vertx, boolean allowPrivate) {
        this.vertx = vertx;
        this.allowPrivate = allowPrivate;
    }

    /** The address to connect to for {@code host}; null when private networks are allowed (connect by name). */
    Future<InetAddress> check(String host) {
        if (allowPrivate) {
            return Future.succeededFuture(null);
        }
        return vertx.executeBlocking(() -> {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            for (InetAddress address : addresses) {
                if (isPrivate(address)) {
                    throw new IllegalStateException("destination " + host + " is a private network address ("
                            + address.getHostAddress() + "); the target must set allowPrivateNetwork: true to use it");
                }
            }
            return addresses[0];
        }, false);
    }

    /** Whether an address is not on the public internet. */
    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xFF;
            int second = bytes[1] & 0xFF;
            return first == 0 || first == 100 && second >= 64 && second < 128 || first >= 240;
        }
        return address instanceof Inet6Address && (bytes[0] & 0xFE) == 0xFC;
    }
}
