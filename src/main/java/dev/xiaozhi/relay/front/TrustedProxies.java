package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.common.AddressBlock;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The proxies whose word on a client's address the relay takes ({@code server.trustedProxies}). A request's client is
 * its peer (after a PROXY protocol header, which the device port honours only from these proxies), unless that peer
 * is a trusted proxy: then {@code X-Forwarded-For} is read from the right, past every hop that is itself a trusted
 * proxy, and the first hop that is not (the rightmost untrusted one) is the client. A hop that is not an IP literal
 * ends the walk at the trusted hop to its right. From any other peer the header is ignored, so nobody can pick the
 * address the throttle counts them under. Immutable.
 */
public final class TrustedProxies {

    /** The header proxies name the hops in. */
    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<AddressBlock> blocks;

    /** The proxies in these blocks; none when empty. */
    public TrustedProxies(List<AddressBlock> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** Whether an address (an IP literal) is one of the trusted proxies. */
    public boolean trusts(String host) {
        return !blocks.isEmpty() && AddressBlock.address(host).map(this::trusts).orElse(false);
    }

    /** The client of a request that came from {@code peer} with these headers. */
    public ClientAddress clientOf(SocketAddress peer, MultiMap headers) {
        String direct = peer.hostAddress();
        Optional<byte[]> peerBytes = blocks.isEmpty() ? Optional.empty() : AddressBlock.address(direct);
        if (peerBytes.isEmpty() || !trusts(peerBytes.get())) {
            return new ClientAddress(direct, String.valueOf(peer));
        }
        List<String> hops = hops(headers.getAll(FORWARDED_FOR));
        String client = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<byte[]> hop = AddressBlock.address(withoutPort(hops.get(i)));
            if (hop.isEmpty()) {
                break;
            }
            client = canonical(hop.get());
            if (!trusts(hop.get())) {
                break;
            }
        }
        return client == null ? new ClientAddress(direct, String.valueOf(peer))
                : new ClientAddress(client, client + " via " + peer);
    }

    private boolean trusts(byte[] address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    private static List<String> hops(List<String> headerValues) {
        List<String> hops = new ArrayList<>();
        for (String value : headerValues) {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        }
        return hops;
    }

    /** A hop without the port some proxies add: {@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close < 0 ? hop : hop.substring(0, close + 1);
        }
        int colon = hop.indexOf(':');
        return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    private static String canonical(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
