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
 */
public record LimitsConfig(
        int maxConnections,
        int maxConnectionsPerIp,
        ByteSize maxRequestLine,
        ByteSize maxHeaderBytes,
        int maxHeaders,
        ByteSize maxBodyBytes,
        Duration headerTimeout,
        Duration idleTimeout) {

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
                Duration.ofSeconds(60));
    }
}
