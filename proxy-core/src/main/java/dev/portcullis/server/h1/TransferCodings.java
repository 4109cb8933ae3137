package dev.portcullis.server.h1;

import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * Judges a request's {@code Transfer-Encoding} value. Only a lone {@code chunked} is accepted: RFC
 * 9112 §6.3 requires chunked to be final, and this proxy decodes no other transfer coding.
 */
final class TransferCodings {

    private TransferCodings() {}

    /** Returns null for a lone {@code chunked}, or why the value is refused. */
    static @Nullable RequestRejection check(AsciiString value) {
        int length = value.length();
        int codings = 0;
        boolean chunkedSeen = false;
        boolean lastIsChunked = false;
        boolean allTokens = true;
        int start = 0;
        while (start <= length) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            int from = start;
            int to = end;
            while (from < to && isOws(value.charAt(from))) {
                from++;
            }
            while (to > from && isOws(value.charAt(to - 1))) {
                to--;
            }
            codings++;
            boolean chunked = to - from == 7 && value.regionMatches(true, from, "chunked", 0, 7);
            if (chunked && chunkedSeen) {
                // Applied twice: no reading of the body is safe.
                return RequestRejection.CHUNKED_NOT_FINAL;
            }
            allTokens &= to > from && isToken(value, from, to);
            lastIsChunked = chunked;
            chunkedSeen |= chunked;
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        if (!allTokens) {
            return RequestRejection.BAD_HEADER_VALUE;
        }
        if (lastIsChunked) {
            return codings == 1 ? null : RequestRejection.UNSUPPORTED_TRANSFER_CODING;
        }
        return chunkedSeen
                ? RequestRejection.CHUNKED_NOT_FINAL
                : RequestRejection.UNSUPPORTED_TRANSFER_CODING;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isToken(AsciiString value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!HttpSyntax.isTchar(value.byteAt(i))) {
                return false;
            }
        }
        return true;
    }
}
