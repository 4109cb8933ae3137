package dev.portcullis.net;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A block of IPv4 or IPv6 addresses such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}. A bare
 * address is a block of one. Parsing never consults DNS.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException with a message fit for a configuration problem
     */
    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = NetUtil.createByteArrayFromIpAddressString(addressPart);
        if (address == null) {
            throw new IllegalArgumentException("not an IP address or CIDR block");
        }
        int maxPrefix = address.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            prefix = parsePrefix(trimmed.substring(slash + 1), maxPrefix);
        }
        byte[] network = address.clone();
        mask(network, prefix);
        if (!Arrays.equals(network, address)) {
            throw new IllegalArgumentException(
                    "host bits are set; the block is " + format(network, prefix));
        }
        return new Cidr(network, prefix);
    }

    private static int parsePrefix(String text, int maxPrefix) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("the prefix length is not a number");
        }
        int prefix = Integer.parseInt(text);
        if (prefix > maxPrefix) {
            throw new IllegalArgumentException(
                    "the prefix length must be at most " + maxPrefix + " (got " + prefix + ")");
        }
        return prefix;
    }

    private static void mask(byte[] bytes, int prefix) {
        for (int i = 0; i < bytes.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xff << (8 - bitsHere));
        }
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** Whether the address, in network byte order (4 or 16 bytes), lies in this block. */
    public boolean contains(byte[] address) {
        byte @Nullable [] candidate = address;
        if (candidate.length != network.length) {
            candidate = convertFamily(candidate, network.length);
            if (candidate == null) {
                return false;
            }
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = 0xff << (8 - remainingBits);
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    /** Maps an IPv4-mapped IPv6 address to IPv4 and back, so both forms match one block. */
    private static byte @Nullable [] convertFamily(byte[] address, int wantedLength) {
        if (wantedLength == 4 && address.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (address[i] != 0) {
                    return null;
                }
            }
            if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
                return null;
            }
            return Arrays.copyOfRange(address, 12, 16);
        }
        if (wantedLength == 16 && address.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(address, 0, mapped, 12, 4);
            return mapped;
        }
        return null;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** The block's first address in network byte order; shared, so callers must not modify it. */
    byte[] networkBytes() {
        return network;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Cidr that
                && prefixLength == that.prefixLength
                && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return format(network, prefixLength);
    }

    private static String format(byte[] network, int prefix) {
        String address;
        try {
            address =
                    network.length == 4
                            ? InetAddress.getByAddress(network).getHostAddress()
                            : NetUtil.toAddressString(InetAddress.getByAddress(network));
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
        return address + "/" + prefix;
    }
}
