package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.common.AddressBlock;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies how the client's address is read behind trusted proxies. */
class TrustedProxiesTest {

    private final TrustedProxies proxies = new TrustedProxies(List.of(AddressBlock.parse("10.0.0.0/8"),
            AddressBlock.parse("fd00::/8")));

    /** Verifies that a direct peer is its own client, whatever header it sends. */
    @Test
    void ignoresTheHeaderOfAPeerThatIsNoTrustedProxy() {
        ClientAddress client = proxies.clientOf(SocketAddress.inetSocketAddress(4711, "192.0.2.1"),
                forwardedFor("198.51.100.9"));

        assertThat(client.host()).isEqualTo("192.0.2.1");
        assertThat(client.remote()).isEqualTo("192.0.2.1:4711");
    }

    /** Verifies that the rightmost hop that is not a trusted proxy is the client, with ports and brackets dropped. */
    @Test
    void takesTheRightmostUntrustedHop() {
        SocketAddress ingress = SocketAddress.inetSocketAddress(4711, "10.1.2.3");

        assertThat(proxies.clientOf(ingress, forwardedFor("192.0.2.66, 198.51.100.9, 10.9.9.9")).host())
                .isEqualTo("198.51.100.9");
        assertThat(proxies.clientOf(ingress, forwardedFor("198.51.100.9:5555")).host()).isEqualTo("198.51.100.9");
        assertThat(proxies.clientOf(ingress, forwardedFor("[2001:db8::1]:5555")).host())
                .isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(proxies.clientOf(ingress, forwardedFor("192.0.2.66", "198.51.100.9")).host())
                .isEqualTo("198.51.100.9");
        assertThat(proxies.clientOf(ingress, forwardedFor("198.51.100.9")).remote())
                .isEqualTo("198.51.100.9 via 10.1.2.3:4711");
    }

    /** Verifies that a hop that is no IP literal (never looked up) ends the walk at the trusted hop to its right. */
    @Test
    void stopsAtAHopThatIsNoAddress() {
        SocketAddress ingress = SocketAddress.inetSocketAddress(4711, "10.1.2.3");

        assertThat(proxies.clientOf(ingress, forwardedFor("198.51.100.9, localhost")).host()).isEqualTo("10.1.2.3");
        assertThat(proxies.clientOf(ingress, forwardedFor("unknown, 10.2.2.2")).host()).isEqualTo("10.2.2.2");
        assertThat(proxies.clientOf(ingress, MultiMap.caseInsensitiveMultiMap()).host()).isEqualTo("10.1.2.3");
    }

    private static MultiMap forwardedFor(String... values) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String value : values) {
            headers.add("x-forwarded-for", value);
        }
        return headers;
    }
}
