package dev.portcullis.config;

import dev.portcullis.config.unit.ByteSize;
import java.time.Duration;

/**
 * Size, count and time limits of the front end ({@code limits}).
 *
 * @param maxConnections open client connections in all, beyond which new ones are closed at accept
 * @param maxConnectionsPerIp open client connections from one address
 * @param maxRequestLine longest request line (method, target and version)
 * @param maxHeaderBytes largest header block, all header lines together
 * @param maxHeaders most header fields in one request
 * @param maxBodyBytes largest request body, declared or streamed; larger is answered 413
 * @param headerTimeout time from the start of a request to the end of its header block
 * @param idleTimeout time a keep-alive client connection may sit idle between requests
 * @param http2MaxConcurrentStreams streams one HTTP/2 connection may have open at once
 * @param http2InitialWindow flow-control window per HTTP/2 stream; with the stream limit it bounds
 *     what one connection can make the proxy hold
 * @param http2MaxResets stream resets a client may send per {@code http2ResetWindow} before its
 *     connection is closed with GOAWAY (HTTP/2 rapid reset, CVE-2023-44487)
 * @param http2ResetWindow the window over which resets are counted
 */
public record LimitsConfig(
        int maxConnections,
        int maxConnectionsPerIp,
        ByteSize maxRequestLine,
        ByteSize maxHeaderBytes,
        int maxHeaders,
        ByteSize maxBodyBytes,
        Duration headerTimeout,
        Duration idleTimeout,
        int http2MaxConcurrentStreams,
        ByteSize http2InitialWindow,
        int http2MaxResets,
        Duration http2ResetWindow) {

    public static final int DEFAULT_HTTP2_MAX_CONCURRENT_STREAMS = 100;
    public static final ByteSize DEFAULT_HTTP2_INITIAL_WINDOW = ByteSize.ofKibibytes(256);
    public static final int DEFAULT_HTTP2_MAX_RESETS = 200;
    public static final Duration DEFAULT_HTTP2_RESET_WINDOW = Duration.ofSeconds(30);

    /** Limits with the HTTP/2 settings at their defaults. */
    public LimitsConfig(
            int maxConnections,
            int maxConnectionsPerIp,
            ByteSize maxRequestLine,
            ByteSize maxHeaderBytes,
            int maxHeaders,
            ByteSize maxBodyBytes,
            Duration headerTimeout,
            Duration idleTimeout) {
        this(
                maxConnections,
                maxConnectionsPerIp,
                maxRequestLine,
                maxHeaderBytes,
                maxHeaders,
                maxBodyBytes,
                headerTimeout,
                idleTimeout,
                DEFAULT_HTTP2_MAX_CONCURRENT_STREAMS,
                DEFAULT_HTTP2_INITIAL_WINDOW,
                DEFAULT_HTTP2_MAX_RESETS,
                DEFAULT_HTTP2_RESET_WINDOW);
    }

    /** The limits used for every key left out of the section. */
    public static LimitsConfig defaults() {
        return new LimitsConfig(
                20_000,
                200,
                ByteSize.ofKibibytes(8),
                ByteSize.ofKibibytes(16),
                100,
                ByteSize.ofMebibytes(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                DEFAULT_HTTP2_MAX_CONCURRENT_STREAMS,
                DEFAULT_HTTP2_INITIAL_WINDOW,
                DEFAULT_HTTP2_MAX_RESETS,
                DEFAULT_HTTP2_RESET_WINDOW);
    }
}
