package dev.portcullis.server;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes request ids: 16 random hexadecimal digits (64 bits), unique enough to find one request's
 * lines across the proxy's and the backend's logs.
 */
final class RequestIds {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final FastThreadLocal<byte[]> SCRATCH =
            new FastThreadLocal<>() {
                @Override
                protected byte[] initialValue() {
                    return new byte[16];
                }
            };
    private static final int MAX_INCOMING_LENGTH = 64;

    private RequestIds() {}

    static String next() {
        long bits = ThreadLocalRandom.current().nextLong();
        byte[] digits = SCRATCH.get();
        for (int i = 15; i >= 0; i--) {
            digits[i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
        return new String(digits, 0, 16, StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether an id that came with the request may be kept: short, and made of characters that
     * cannot break a log line or a header ({@code A-Z a-z 0-9 - _ . :}).
     */
    static boolean isAcceptable(CharSequence id) {
        int length = id.length();
        if (length == 0 || length > MAX_INCOMING_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '-'
                            || c == '_'
                            || c == '.'
                            || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
