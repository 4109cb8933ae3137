package dev.portcullis.net;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the address of the real client of a request from the socket peer and, when the peer is a
 * trusted proxy, the {@code X-Forwarded-For} header. Immutable and safe to share between threads.
 *
 * <p>The rule, which never consults DNS:
 *
 * <ul>
 *   <li>When the peer is not a trusted proxy, or the request has no {@code X-Forwarded-For}, the
 *       client is the peer; whatever the header says is ignored.
 *   <li>Otherwise the hops are walked from right to left, all header lines forming one list in the
 *       order they arrived. Trusted proxies are skipped; the first untrusted hop is the client.
 *       Entries to its left were written by the client itself and are never believed.
 *   <li>A hop that is not an IP literal (a host name, {@code unknown}, garbage) stops the walk: the
 *       client is the nearest valid hop to its right, or the peer when there is none.
 *   <li>When every hop is a trusted proxy, the client is the left-most hop.
 *   <li>At most {@value #MAX_HOPS} list elements (empty ones included) are examined; reaching that
 *       limit stops the walk as garbage would.
 * </ul>
 *
 * <p>A hop may carry a port ({@code 192.0.2.7:8080}, {@code [2001:db8::1]:443}), which is ignored.
 * IPv4 hops are parsed in place; IPv6 hops cost a short string each.
 */
public final class ClientAddressResolver {

    /** The most list elements of {@code X-Forwarded-For} examined for one request. */
    public static final int MAX_HOPS = 32;

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    private final CidrSet trustedProxies;

    /**
     * Creates a resolver.
     *
     * @param trustedProxies the peers and hops whose forwarding headers are believed; empty means
     *     nobody's
     */
    public ClientAddressResolver(CidrSet trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /**
     * Returns the client address of a request.
     *
     * @param peer the address of the socket peer
     * @param headers the request headers as received
     */
    public InetAddress resolve(InetAddress peer, HttpHeaders headers) {
        if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
            return peer;
        }
        // getAll keeps the order in which the lines arrived; the value iterator of Netty's
        // DefaultHttpHeaders returns the newest line first.
        List<String> lines = headers.getAll(X_FORWARDED_FOR);
        if (lines.isEmpty()) {
            return peer;
        }

        HopWalk walk = new HopWalk(trustedProxies);
        for (int line = lines.size() - 1; line >= 0 && !walk.isStopped(); line--) {
            walk.walkLine(lines.get(line));
        }
        return walk.client(peer);
    }

    /** The state of one right-to-left walk over the hops of one request. */
    private static final class HopWalk {

        private final CidrSet trustedProxies;
        private int remainingHops = MAX_HOPS;
        private boolean stopped;

        /** The hop just parsed: an IPv4 value, or {@link IpLiterals#NOT_IPV4} and IPv6 bytes. */
        private long hopIpv4 = IpLiterals.NOT_IPV4;

        private byte @Nullable [] hopIpv6;

        /** The nearest acceptable client so far; none means the peer. */
        private boolean hasClient;

        private long clientIpv4 = IpLiterals.NOT_IPV4;
        private byte @Nullable [] clientIpv6;

        HopWalk(CidrSet trustedProxies) {
            this.trustedProxies = trustedProxies;
        }

        boolean isStopped() {
            return stopped;
        }

        void walkLine(String line) {
            int end = line.length();
            while (!stopped) {
                int comma = line.lastIndexOf(',', end - 1);
                visit(line, comma + 1, end);
                if (comma < 0) {
                    return;
                }
                end = comma;
            }
        }

        private void visit(String line, int start, int end) {
            if (remainingHops == 0) {
                stopped = true;
                return;
            }
            remainingHops--;
            while (start < end && isWhitespace(line.charAt(start))) {
                start++;
            }
            while (end > start && isWhitespace(line.charAt(end - 1))) {
                end--;
            }
            if (start == end) {
                // Empty list elements are ignored (RFC 9110, section 5.6.1).
                return;
            }

            if (!parseHop(line, start, end)) {
                stopped = true;
                return;
            }
            hasClient = true;
            clientIpv4 = hopIpv4;
            clientIpv6 = hopIpv6;
            stopped = !isTrustedHop();
        }

        private boolean isTrustedHop() {
            byte[] ipv6 = hopIpv6;
            if (ipv6 != null) {
                return trustedProxies.contains(ipv6);
            }
            return trustedProxies.containsIpv4((int) hopIpv4);
        }

        /** Parses {@code address}, {@code ipv4:port}, {@code [ipv6]} or {@code [ipv6]:port}. */
        private boolean parseHop(String line, int start, int end) {
            hopIpv4 = IpLiterals.NOT_IPV4;
            hopIpv6 = null;
            if (line.charAt(start) == '[') {
                int close = indexOf(line, ']', start, end);
                if (close < 0 || !(close + 1 == end || isColonAndPort(line, close + 1, end))) {
                    return false;
                }
                hopIpv6 = IpLiterals.parseIpv6(line, start + 1, close);
                return hopIpv6 != null;
            }
            int colon = indexOf(line, ':', start, end);
            if (colon >= 0 && indexOf(line, ':', colon + 1, end) >= 0) {
                hopIpv6 = IpLiterals.parseIpv6(line, start, end);
                return hopIpv6 != null;
            }
            if (colon >= 0 && !isColonAndPort(line, colon, end)) {
                return false;
            }
            hopIpv4 = IpLiterals.parseIpv4(line, start, colon >= 0 ? colon : end);
            return hopIpv4 != IpLiterals.NOT_IPV4;
        }

        InetAddress client(InetAddress peer) {
            if (!hasClient) {
                return peer;
            }
            byte[] ipv6 = clientIpv6;
            byte[] address = ipv6 != null ? ipv6 : ipv4Bytes(clientIpv4);
            try {
                // Yields an Inet4Address for an IPv4-mapped hop, so both spellings key alike.
                return InetAddress.getByAddress(address);
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException("address of " + address.length + " bytes");
            }
        }

        private static byte[] ipv4Bytes(long address) {
            return new byte[] {
                (byte) (address >>> 24),
                (byte) (address >>> 16),
                (byte) (address >>> 8),
                (byte) address
            };
        }

        /** Whether {@code line[from, end)} is {@code :} followed by a decimal port number. */
        private static boolean isColonAndPort(String line, int from, int end) {
            int digits = end - from - 1;
            if (line.charAt(from) != ':' || digits < 1 || digits > 5) {
                return false;
            }
            int port = 0;
            for (int index = from + 1; index < end; index++) {
                char c = line.charAt(index);
                if (c < '0' || c > '9') {
                    return false;
                }
                port = port * 10 + c - '0';
            }
            return port <= 65535;
        }

        private static int indexOf(String line, char wanted, int from, int end) {
            int index = line.indexOf(wanted, from);
            return index < end ? index : -1;
        }

        private static boolean isWhitespace(char c) {
            return c == ' ' || c == '\t';
        }
    }
}
