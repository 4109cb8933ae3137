package dev.portcullis.server;

import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The normalised form of a request's {@code Host}, from a small cache per event loop thread.
 *
 * <p>A proxy serves few host names to many connections. Keeping the normalised string per
 * connection cost every idle connection about 60 bytes and every new connection a string; one
 * direct-mapped table per thread shares one string among all connections of a name, and needs no
 * lock. A flood of made-up names only replaces entries: the table never grows.
 */
final class NormalizedHosts {

    private static final int SLOTS = 256;

    private static final FastThreadLocal<NormalizedHosts> PER_THREAD =
            new FastThreadLocal<>() {
                @Override
                protected NormalizedHosts initialValue() {
                    return new NormalizedHosts();
                }
            };

    private final AsciiString[] raw = new AsciiString[SLOTS];
    private final String[] normalized = new String[SLOTS];

    private NormalizedHosts() {}

    /** The normalised host of a syntactically valid {@code Host} value; "" for an empty one. */
    static String of(CharSequence value) {
        if (value.length() == 0) {
            return "";
        }
        return PER_THREAD.get().lookUp(value);
    }

    private String lookUp(CharSequence value) {
        int slot = AsciiString.hashCode(value) & (SLOTS - 1);
        AsciiString cached = raw[slot];
        if (cached != null && cached.contentEquals(value)) {
            return normalized[slot];
        }
        String host = HostAuthority.normalizedHost(value);
        // A copy: the request's value may point into a buffer that is reused.
        raw[slot] = new AsciiString(value);
        normalized[slot] = host;
        return host;
    }
}
