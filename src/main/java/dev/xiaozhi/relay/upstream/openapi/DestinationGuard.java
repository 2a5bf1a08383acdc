package dev.xiaozhi.relay.upstream.openapi;

import dev.xiaozhi.relay.common.SpecialPurposeAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;

/**
 * Refuses any URL that is not http or https with a host (whatever the target allows: a redirect to {@code file:} or
 * {@code gopher:} is never followed), and addresses of the IANA special-purpose registries (loopback, private,
 * link-local with cloud metadata, carrier-grade NAT, unique-local, multicast, IPv6 forms embedding any of them: see
 * {@link SpecialPurposeAddresses}) unless the target allows private networks: a guard against server-side request
 * forgery through API base URLs and redirects. The name is resolved once and the connection goes to the checked
 * address, so a second resolution cannot swap it.
 */
final class DestinationGuard {

    private final Vertx vertx;
    private final boolean allowPrivate;

    DestinationGuard(Vertx vertx, boolean allowPrivate) {
        this.vertx = vertx;
        this.allowPrivate = allowPrivate;
    }

    /** The address to connect to for {@code url}; null when private networks are allowed (connect by name). */
    Future<InetAddress> check(URI url) {
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            return Future.failedFuture(new IllegalStateException("destination refused: a " + url.getScheme()
                    + ": URL; only http and https URLs with a host are followed"));
        }
        String host = url.getHost();
        if (allowPrivate) {
            return Future.succeededFuture(null);
        }
        return vertx.executeBlocking(() -> {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            for (InetAddress address : addresses) {
                if (SpecialPurposeAddresses.isSpecial(address)) {
                    throw new IllegalStateException("destination " + host + " is a private network address ("
                            + address.getHostAddress() + "); the target must set allowPrivateNetwork: true to use it");
                }
            }
            return addresses[0];
        }, false);
    }
}
