package dev.portcullis.upstream;

import dev.portcullis.net.ForwardingHeaderNames;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites headers as a request crosses the proxy: hop-by-hop fields are removed in both directions
 * (those RFC 9110 §7.6.1 names and those the {@code Connection} field names), and the forwarding
 * fields tell the backend who the client is. Client-supplied forwarding fields are believed only
 * from a trusted proxy.
 */
public final class ForwardingHeaders {

    private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    /** Headers a client may not make the proxy drop by naming them in {@code Connection}. */
    private static final AsciiString[] PROTECTED =
            new AsciiString[] {
                HttpHeaderNames.HOST,
                HttpHeaderNames.CONTENT_LENGTH,
                HttpHeaderNames.TRANSFER_ENCODING,
                HttpHeaderNames.AUTHORIZATION,
                HttpHeaderNames.COOKIE,
                ForwardingHeaderNames.X_FORWARDED_FOR,
                ForwardingHeaderNames.X_FORWARDED_PROTO,
                ForwardingHeaderNames.X_FORWARDED_HOST,
                ForwardingHeaderNames.X_FORWARDED_PORT,
                ForwardingHeaderNames.X_REAL_IP,
                ForwardingHeaderNames.X_REQUEST_ID,
                ForwardingHeaderNames.FORWARDED,
            };

    private ForwardingHeaders() {}

    /**
     * Prepares a request's headers for the backend.
     *
     * @param peer the address of the connection's peer
     * @param peerTrusted whether the peer is a trusted proxy whose forwarding fields are kept
     * @param secure whether the client connection is TLS
     * @param webSocket whether the request is a WebSocket upgrade that will be tunnelled
     * @return false when the {@code Connection} field names a header the proxy must keep, in which
     *     case the request is refused
     */
    public static boolean prepareRequest(
            HttpHeaders headers,
            InetAddress peer,
            boolean peerTrusted,
            boolean secure,
            boolean webSocket,
            String requestId) {
        return prepareRequest(
                headers, peer.getHostAddress(), peerTrusted, secure, webSocket, requestId);
    }

    /**
     * As {@link #prepareRequest(HttpHeaders, InetAddress, boolean, boolean, boolean, String)}, with
     * the peer's address already in text form (a connection computes it once).
     */
    public static boolean prepareRequest(
            HttpHeaders headers,
            String peerText,
            boolean peerTrusted,
            boolean secure,
            boolean webSocket,
            String requestId) {
        if (!removeConnectionNominated(headers, true)) {
            return false;
        }
        removeHopByHop(headers, webSocket);
        headers.remove(HttpHeaderNames.EXPECT);
        if (webSocket) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }

        if (peerTrusted) {
            List<String> previous = headers.getAll(ForwardingHeaderNames.X_FORWARDED_FOR);
            headers.set(ForwardingHeaderNames.X_FORWARDED_FOR, joined(previous, peerText));
            if (!headers.contains(ForwardingHeaderNames.X_FORWARDED_PROTO)) {
                headers.set(ForwardingHeaderNames.X_FORWARDED_PROTO, secure ? HTTPS : HTTP);
            }
            if (!headers.contains(ForwardingHeaderNames.X_FORWARDED_HOST)) {
                setForwardedHost(headers);
            }
        } else {
            headers.remove(ForwardingHeaderNames.FORWARDED);
            headers.remove(ForwardingHeaderNames.X_REAL_IP);
            headers.remove(ForwardingHeaderNames.X_FORWARDED_PORT);
            headers.set(ForwardingHeaderNames.X_FORWARDED_FOR, peerText);
            headers.set(ForwardingHeaderNames.X_FORWARDED_PROTO, secure ? HTTPS : HTTP);
            setForwardedHost(headers);
        }
        headers.set(ForwardingHeaderNames.X_REQUEST_ID, requestId);
        return true;
    }

    /**
     * Removes the hop-by-hop fields of a backend's response; the caller then sets the framing and
     * {@code Connection} fields for the client connection.
     *
     * @param switchingProtocols whether this is an accepted {@code 101}, which keeps {@code
     *     Upgrade}
     */
    public static void prepareResponse(HttpHeaders headers, boolean switchingProtocols) {
        removeConnectionNominated(headers, false);
        removeHopByHop(headers, switchingProtocols);
        headers.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        if (switchingProtocols) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
    }

    private static void setForwardedHost(HttpHeaders headers) {
        CharSequence host = hostValue(headers);
        if (host != null) {
            headers.set(ForwardingHeaderNames.X_FORWARDED_HOST, host);
        } else {
            headers.remove(ForwardingHeaderNames.X_FORWARDED_HOST);
        }
    }

    /** The Host value as stored, without converting it to a String. */
    private static @Nullable CharSequence hostValue(HttpHeaders headers) {
        if (headers instanceof io.netty.handler.codec.http.DefaultHttpHeaders) {
            var values = headers.valueCharSequenceIterator(HttpHeaderNames.HOST);
            return values.hasNext() ? values.next() : null;
        }
        return headers.get(HttpHeaderNames.HOST);
    }

    private static String joined(List<String> previous, String peer) {
        if (previous.isEmpty()) {
            return peer;
        }
        StringBuilder value = new StringBuilder(64);
        for (String part : previous) {
            value.append(part).append(", ");
        }
        return value.append(peer).toString();
    }

    private static void removeHopByHop(HttpHeaders headers, boolean keepUpgrade) {
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(HttpHeaderNames.PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        headers.remove(HTTP2_SETTINGS);
        if (!keepUpgrade) {
            headers.remove(HttpHeaderNames.UPGRADE);
        }
    }

    /**
     * Removes the fields named in {@code Connection}; with {@code guard}, returns false instead
     * when one of them is protected.
     */
    private static boolean removeConnectionNominated(HttpHeaders headers, boolean guard) {
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            return true;
        }
        List<String> nominated = null;
        for (var values = headers.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
                values.hasNext(); ) {
            CharSequence value = values.next();
            int length = value.length();
            int start = 0;
            while (start <= length) {
                int end = start;
                while (end < length && value.charAt(end) != ',') {
                    end++;
                }
                int from = start;
                int to = end;
                while (from < to && isOws(value.charAt(from))) {
                    from++;
                }
                while (to > from && isOws(value.charAt(to - 1))) {
                    to--;
                }
                // "keep-alive", "close" and "upgrade" name no header: the usual values cost
                // nothing.
                if (to > from && !isConnectionOption(value, from, to)) {
                    if (nominated == null) {
                        nominated = new ArrayList<>(2);
                    }
                    nominated.add(value.subSequence(from, to).toString());
                }
                start = end + 1;
            }
        }
        if (nominated != null) {
            for (String token : nominated) {
                if (guard && isProtected(token)) {
                    return false;
                }
            }
            nominated.forEach(headers::remove);
        }
        return true;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isConnectionOption(CharSequence value, int from, int to) {
        int length = to - from;
        return (length == 5 && AsciiString.regionMatches(value, true, from, "close", 0, 5))
                || (length == 10
                        && AsciiString.regionMatches(value, true, from, "keep-alive", 0, 10))
                || (length == 7 && AsciiString.regionMatches(value, true, from, "upgrade", 0, 7));
    }

    private static boolean isProtected(String token) {
        for (AsciiString name : PROTECTED) {
            if (name.contentEqualsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
