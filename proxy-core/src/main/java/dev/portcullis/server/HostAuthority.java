package dev.portcullis.server;

import java.util.Locale;

/**
 * The grammar of a {@code Host} header or an {@code :authority} (RFC 9110 §7.2, RFC 3986 §3.2.2),
 * checked strictly: a DNS-style name or an IP literal, and an optional port. Percent-encoding and
 * the other reg-name characters that no real host name uses are refused.
 */
public final class HostAuthority {

    private static final int MAX_LENGTH = 255 + 6;

    private HostAuthority() {}

    /** Whether the value is one valid {@code host[:port]}. */
    public static boolean isValid(CharSequence value) {
        int length = value.length();
        if (length == 0 || length > MAX_LENGTH) {
            return false;
        }
        int hostEnd = hostEnd(value);
        if (hostEnd <= 0) {
            return false;
        }
        if (hostEnd == length) {
            return true;
        }
        return isValidPort(value, hostEnd + 1, length);
    }

    /**
     * Returns the host part, lower case, without port and without a trailing dot: the form routes
     * are matched against. The value must be {@linkplain #isValid valid}.
     */
    public static String normalizedHost(CharSequence value) {
        int hostEnd = hostEnd(value);
        int end = hostEnd;
        if (end > 1 && value.charAt(end - 1) == '.' && value.charAt(0) != '[') {
            end--;
        }
        boolean lower = true;
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                lower = false;
                break;
            }
        }
        String host = value.subSequence(0, end).toString();
        return lower ? host : host.toLowerCase(Locale.ROOT);
    }

    /** The explicit port of a valid value, or -1. */
    public static int port(CharSequence value) {
        int hostEnd = hostEnd(value);
        if (hostEnd == value.length()) {
            return -1;
        }
        int port = 0;
        for (int i = hostEnd + 1; i < value.length(); i++) {
            port = port * 10 + (value.charAt(i) - '0');
        }
        return port;
    }

    /**
     * Whether two valid authorities name the same origin under the given default port, so that
     * {@code example.com} and {@code EXAMPLE.com:80} agree for http.
     */
    public static boolean sameOrigin(CharSequence first, CharSequence second, int defaultPort) {
        int firstPort = port(first);
        int secondPort = port(second);
        if ((firstPort < 0 ? defaultPort : firstPort)
                != (secondPort < 0 ? defaultPort : secondPort)) {
            return false;
        }
        return normalizedHost(first).equals(normalizedHost(second));
    }

    /** Index just past the host part, or -1 when the host part is malformed. */
    private static int hostEnd(CharSequence value) {
        int length = value.length();
        if (value.charAt(0) == '[') {
            return ipLiteralEnd(value, length);
        }
        int i = 0;
        int labelLength = 0;
        for (; i < length; i++) {
            char c = value.charAt(i);
            if (c == ':') {
                break;
            }
            if (c == '.') {
                if (labelLength == 0) {
                    return -1;
                }
                labelLength = 0;
            } else if (isNameChar(c)) {
                if (++labelLength > 63) {
                    return -1;
                }
            } else {
                return -1;
            }
        }
        return i == 0 ? -1 : i;
    }

    private static int ipLiteralEnd(CharSequence value, int length) {
        int close = -1;
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (c == ']') {
                close = i;
                break;
            }
            boolean hex =
                    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return -1;
            }
        }
        if (close < 3) {
            return -1;
        }
        int next = close + 1;
        if (next < length && value.charAt(next) != ':') {
            return -1;
        }
        return next;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_';
    }

    private static boolean isValidPort(CharSequence value, int start, int end) {
        int digits = end - start;
        if (digits < 1 || digits > 5) {
            return false;
        }
        int port = 0;
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }
}
