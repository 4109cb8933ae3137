package dev.portcullis.net;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * Parses IP address literals out of a range of characters, strictly and without DNS. Untrusted
 * input that is not exactly a literal is refused rather than repaired.
 */
final class IpLiterals {

    /** What {@link #parseIpv4} returns for text that is not a dotted-quad IPv4 address. */
    static final long NOT_IPV4 = -1;

    private IpLiterals() {}

    /**
     * Parses {@code a.b.c.d} from {@code text[start, end)} without allocating. Each part is a
     * decimal number from 0 to 255 without leading zeros: {@code 010.0.0.1} is refused because
     * other parsers read it as octal, and two readings of one hop must never disagree.
     *
     * @return the address as an unsigned 32-bit value, or {@link #NOT_IPV4}
     */
    static long parseIpv4(CharSequence text, int start, int end) {
        long address = 0;
        int index = start;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (index >= end || text.charAt(index) != '.') {
                    return NOT_IPV4;
                }
                index++;
            }
            int partStart = index;
            int value = 0;
            while (index < end && index - partStart < 3 && isDigit(text.charAt(index))) {
                value = value * 10 + text.charAt(index) - '0';
                index++;
            }
            int digits = index - partStart;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(partStart) == '0')) {
                return NOT_IPV4;
            }
            address = address << 8 | value;
        }
        return index == end ? address : NOT_IPV4;
    }

    /**
     * Parses an IPv6 literal without brackets from {@code text[start, end)}. A zone id ({@code
     * fe80::1%eth0}) is refused: it names an interface of the sender, not an address.
     *
     * @return the 16 address bytes, or {@code null}
     */
    static byte @Nullable [] parseIpv6(CharSequence text, int start, int end) {
        String literal = text.subSequence(start, end).toString();
        if (literal.indexOf(':') < 0 || literal.indexOf('%') >= 0 || literal.indexOf('[') >= 0) {
            return null;
        }
        byte[] address = NetUtil.createByteArrayFromIpAddressString(literal);
        return address != null && address.length == 16 ? address : null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
