package dev.xiaozhi.relay.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address block in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a block of
 * one). Literals are parsed without any name lookup; an IPv4-mapped IPv6 literal ({@code ::ffff:0:0/96}) keeps its 16
 * bytes, so that it names the IPv6 block rather than an IPv4 one.
 *
 * @param prefix the block's first address, 4 or 16 bytes
 * @param bits   the length of its prefix
 */
public record AddressBlock(byte[] prefix, int bits) {

    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");
    private static final int IPV4_BYTES = 4;
    private static final int IPV6_BYTES = 16;
    private static final int MAPPED_AT = 12;

    /**
     * Parses {@code address[/bits]}.
     *
     * @throws IllegalArgumentException when it is not an IP literal with a prefix length that fits it
     */
    public static AddressBlock parse(String cidr) {
        int slash = cidr.indexOf('/');
        String literal = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes = literal(literal, true).orElseThrow(() -> new IllegalArgumentException(
                "expected an IPv4 or IPv6 address block such as 10.0.0.0/8 or fd00::/8"));
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String length = cidr.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("expected a prefix length between 0 and " + bits);
            }
            bits = Integer.parseInt(length);
        }
        return new AddressBlock(bytes, bits);
    }

    /**
     * The bytes of an IP literal ({@code [::1]} brackets allowed), or empty when the text is not one; never looks a
     * name up. An IPv4-mapped IPv6 literal comes as the IPv4 address it carries.
     */
    public static Optional<byte[]> address(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        return literal(literal, false);
    }

    /** Whether the block holds an address of the same family. */
    public boolean contains(byte[] address) {
        if (address.length != prefix.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        int mask = 0xFF << (8 - rest) & 0xFF;
        return rest == 0 || (address[whole] & mask) == (prefix[whole] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressBlock block && bits == block.bits
                && Arrays.equals(prefix, block.prefix);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(prefix) + bits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(prefix).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<byte[]> literal(String literal, boolean keepMapped) {
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        if (keepMapped && literal.contains(":") && bytes.length == IPV4_BYTES) {
            byte[] mapped = new byte[IPV6_BYTES];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(bytes, 0, mapped, MAPPED_AT, IPV4_BYTES);
            return Optional.of(mapped);
        }
        return Optional.of(bytes);
    }
}
