package dev.xiaozhi.relay.common;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The blocks of the IANA IPv4 and IPv6 special-purpose address registries that are not globally reachable (loopback,
 * private, shared, link-local, documentation, benchmarking, reserved, unique-local, discard, IETF protocol
 * assignments with Teredo), plus multicast and broadcast: the addresses a guard against server-side request forgery
 * refuses. IPv6 forms that carry an IPv4 address (IPv4-compatible {@code ::/96}, IPv4-mapped {@code ::ffff:0:0/96},
 * IPv4-translated {@code ::ffff:0:0:0/96}, NAT64 {@code 64:ff9b::/96} and 6to4 {@code 2002::/16}) are judged by the
 * IPv4 address they carry, so {@code [::127.0.0.1]} is loopback and {@code [64:ff9b::808:808]} is public.
 */
public final class SpecialPurposeAddresses {

    private static final List<AddressBlock> IPV4 = blocks("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
            "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
            "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4");
    private static final List<AddressBlock> IPV6 = blocks("64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
            "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");
    private static final List<AddressBlock> CARRIERS_AT_12 = blocks("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96",
            "64:ff9b::/96");
    private static final AddressBlock SIX_TO_FOUR = blocks("2002::/16").get(0);
    private static final int IPV4_BYTES = 4;
    private static final int SIX_TO_FOUR_OFFSET = 2;
    private static final int CARRIER_OFFSET = 12;

    private SpecialPurposeAddresses() {
    }

    /** Whether an address is not globally reachable, or carries an IPv4 address that is not. */
    public static boolean isSpecial(InetAddress address) {
        return isSpecial(address.getAddress());
    }

    private static boolean isSpecial(byte[] bytes) {
        if (bytes.length == IPV4_BYTES) {
            return IPV4.stream().anyMatch(block -> block.contains(bytes));
        }
        if (CARRIERS_AT_12.stream().anyMatch(block -> block.contains(bytes))) {
            return isSpecial(Arrays.copyOfRange(bytes, CARRIER_OFFSET, CARRIER_OFFSET + IPV4_BYTES));
        }
        if (SIX_TO_FOUR.contains(bytes)) {
            return isSpecial(Arrays.copyOfRange(bytes, SIX_TO_FOUR_OFFSET, SIX_TO_FOUR_OFFSET + IPV4_BYTES));
        }
        return IPV6.stream().anyMatch(block -> block.contains(bytes));
    }

    private static List<AddressBlock> blocks(String... cidrs) {
        return Arrays.stream(cidrs).map(AddressBlock::parse).toList();
    }
}
