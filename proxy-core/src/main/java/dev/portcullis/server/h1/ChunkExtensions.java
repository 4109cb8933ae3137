package dev.portcullis.server.h1;

import io.netty.buffer.ByteBuf;

/**
 * The chunk-ext grammar of RFC 9112 §7.1.1: {@code *( BWS ";" BWS name [ BWS "=" BWS value ] )}
 * with a token name and a token or quoted-string value. Extensions are read only to be checked; the
 * proxy forwards none of them.
 */
final class ChunkExtensions {

    private ChunkExtensions() {}

    /** Whether the bytes {@code [from, end)} following a chunk size are valid extensions. */
    static boolean isValid(ByteBuf in, int from, int end) {
        int i = from;
        while (i < end) {
            i = skipOws(in, i, end);
            if (i >= end || in.getByte(i) != ';') {
                return false;
            }
            i = skipOws(in, i + 1, end);
            int nameStart = i;
            while (i < end && HttpSyntax.isTchar(in.getByte(i))) {
                i++;
            }
            if (i == nameStart) {
                return false;
            }
            int afterName = skipOws(in, i, end);
            if (afterName < end && in.getByte(afterName) == '=') {
                i = skipOws(in, afterName + 1, end);
                i = valueEnd(in, i, end);
                if (i < 0) {
                    return false;
                }
            } else {
                i = afterName;
            }
        }
        return true;
    }

    /** Index after a token or quoted-string value starting at {@code i}, or -1. */
    private static int valueEnd(ByteBuf in, int i, int end) {
        if (i >= end) {
            return -1;
        }
        if (in.getByte(i) != '"') {
            int start = i;
            while (i < end && HttpSyntax.isTchar(in.getByte(i))) {
                i++;
            }
            return i == start ? -1 : i;
        }
        i++;
        while (i < end) {
            byte b = in.getByte(i);
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                if (i + 1 >= end || !isQuotedPairByte(in.getByte(i + 1))) {
                    return -1;
                }
                i += 2;
            } else if (isQdtext(b)) {
                i++;
            } else {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isQdtext(byte b) {
        int c = b & 0xff;
        return c == '\t'
                || c == ' '
                || c == 0x21
                || (c >= 0x23 && c <= 0x5b)
                || c >= 0x5d && c != 0x7f;
    }

    private static boolean isQuotedPairByte(byte b) {
        int c = b & 0xff;
        return c == '\t' || (c >= 0x20 && c != 0x7f);
    }

    private static int skipOws(ByteBuf in, int i, int end) {
        while (i < end && HttpSyntax.isOws(in.getByte(i))) {
            i++;
        }
        return i;
    }
}
