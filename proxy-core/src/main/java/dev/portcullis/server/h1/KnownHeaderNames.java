package dev.portcullis.server.h1;

import dev.portcullis.net.ForwardingHeaderNames;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * Shared lower-case instances of the header names that nearly every request carries, so that
 * decoding them allocates nothing. Matching ignores case, as header names do.
 */
final class KnownHeaderNames {

    // Netty's own constants where it has them, so that identity comparison with
    // HttpHeaderNames works on decoded names.
    private static final AsciiString[] NAMES = {
        HttpHeaderNames.HOST,
        HttpHeaderNames.USER_AGENT,
        HttpHeaderNames.ACCEPT,
        HttpHeaderNames.ACCEPT_ENCODING,
        HttpHeaderNames.ACCEPT_LANGUAGE,
        HttpHeaderNames.ACCEPT_CHARSET,
        HttpHeaderNames.CONNECTION,
        HttpHeaderNames.KEEP_ALIVE,
        HttpHeaderNames.CONTENT_LENGTH,
        HttpHeaderNames.CONTENT_TYPE,
        HttpHeaderNames.TRANSFER_ENCODING,
        HttpHeaderNames.COOKIE,
        HttpHeaderNames.AUTHORIZATION,
        HttpHeaderNames.CACHE_CONTROL,
        HttpHeaderNames.PRAGMA,
        HttpHeaderNames.REFERER,
        HttpHeaderNames.ORIGIN,
        HttpHeaderNames.EXPECT,
        HttpHeaderNames.UPGRADE,
        HttpHeaderNames.TE,
        HttpHeaderNames.TRAILER,
        HttpHeaderNames.IF_MODIFIED_SINCE,
        HttpHeaderNames.IF_NONE_MATCH,
        HttpHeaderNames.IF_MATCH,
        HttpHeaderNames.RANGE,
        HttpHeaderNames.IF_RANGE,
        HttpHeaderNames.IF_UNMODIFIED_SINCE,
        ForwardingHeaderNames.X_FORWARDED_FOR,
        ForwardingHeaderNames.X_FORWARDED_PROTO,
        ForwardingHeaderNames.X_FORWARDED_HOST,
        ForwardingHeaderNames.X_FORWARDED_PORT,
        HttpHeaderNames.X_REQUESTED_WITH,
        HttpHeaderNames.VIA,
        HttpHeaderNames.DNT,
        HttpHeaderNames.SEC_WEBSOCKET_KEY,
        HttpHeaderNames.SEC_WEBSOCKET_VERSION,
        HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS,
        HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL,
        HttpHeaderNames.UPGRADE_INSECURE_REQUESTS,
        HttpHeaderNames.CONTENT_ENCODING,
        HttpHeaderNames.PROXY_AUTHORIZATION,
        HttpHeaderNames.PROXY_CONNECTION,
        AsciiString.cached("sec-fetch-site"),
        AsciiString.cached("sec-fetch-mode"),
        AsciiString.cached("sec-fetch-dest"),
        AsciiString.cached("sec-fetch-user"),
        ForwardingHeaderNames.X_REAL_IP,
        ForwardingHeaderNames.X_REQUEST_ID,
        ForwardingHeaderNames.FORWARDED,
        AsciiString.cached("priority"),
        AsciiString.cached("sec-ch-ua"),
        AsciiString.cached("sec-ch-ua-mobile"),
        AsciiString.cached("sec-ch-ua-platform"),
        AsciiString.cached("x-csrf-token"),
        AsciiString.cached("traceparent"),
        AsciiString.cached("tracestate"),
        AsciiString.cached("baggage"),
    };

    private static final int MAX_LENGTH = 32;
    private static final AsciiString[][] BY_LENGTH = new AsciiString[MAX_LENGTH + 1][];

    static {
        for (int length = 0; length <= MAX_LENGTH; length++) {
            int count = 0;
            for (AsciiString name : NAMES) {
                if (name.length() == length) {
                    count++;
                }
            }
            AsciiString[] group = new AsciiString[count];
            int i = 0;
            for (AsciiString name : NAMES) {
                if (name.length() == length) {
                    group[i++] = name;
                }
            }
            BY_LENGTH[length] = group;
        }
    }

    private KnownHeaderNames() {}

    /** The shared name equal, ignoring case, to the bytes at {@code [start, start + length)}. */
    static @Nullable AsciiString find(ByteBuf buffer, int start, int length) {
        if (length > MAX_LENGTH) {
            return null;
        }
        for (AsciiString candidate : BY_LENGTH[length]) {
            if (matches(candidate, buffer, start, length)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean matches(AsciiString lowerName, ByteBuf buffer, int start, int length) {
        byte[] expected = lowerName.array();
        int offset = lowerName.arrayOffset();
        for (int i = 0; i < length; i++) {
            byte b = buffer.getByte(start + i);
            if (b >= 'A' && b <= 'Z') {
                b = (byte) (b + ('a' - 'A'));
            }
            if (b != expected[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
