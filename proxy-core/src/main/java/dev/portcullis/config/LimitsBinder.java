package dev.portcullis.config;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.config.validate.Problems;
import java.time.Duration;

/** Binds {@code limits}, the size, count and time limits of the front end. */
final class LimitsBinder {

    static final String[] KEYS = {
        "max_connections",
        "max_connections_per_ip",
        "max_request_line",
        "max_header_bytes",
        "max_headers",
        "max_body_bytes",
        "header_timeout",
        "idle_timeout",
        "http2_max_concurrent_streams",
        "http2_initial_window",
        "http2_max_resets",
        "http2_reset_window"
    };

    private static final int MOST_CONNECTIONS = 10_000_000;
    private static final ValueParser<Integer> CONNECTIONS = Values.integer(1, MOST_CONNECTIONS);
    private static final ValueParser<ByteSize> REQUEST_LINE =
            Values.size(ByteSize.ofBytes(256), ByteSize.ofKibibytes(64));
    private static final ValueParser<ByteSize> HEADER_BYTES =
            Values.size(ByteSize.ofKibibytes(1), ByteSize.ofMebibytes(1));
    private static final ValueParser<Integer> HEADERS = Values.integer(1, 1000);
    private static final ValueParser<ByteSize> BODY_BYTES =
            Values.size(ByteSize.ofBytes(1), ByteSize.ofMebibytes(1024L * 1024L));
    private static final ValueParser<Duration> HEADER_TIMEOUT =
            Values.duration(Duration.ofMillis(100), Duration.ofMinutes(10));
    private static final ValueParser<Duration> IDLE_TIMEOUT =
            Values.duration(Duration.ofSeconds(1), Duration.ofHours(1));
    private static final ValueParser<Integer> HTTP2_STREAMS = Values.integer(1, 1000);
    // RFC 9113 §6.9.1 lets a window reach 2^31-1; the cap is far lower because streams times
    // window is what one client connection may make the proxy hold (1000 x 16MiB is 16GiB).
    private static final ValueParser<ByteSize> HTTP2_WINDOW =
            Values.size(ByteSize.ofKibibytes(64), ByteSize.ofMebibytes(16));
    private static final ValueParser<Integer> HTTP2_RESETS = Values.integer(1, 100_000);
    private static final ValueParser<Duration> HTTP2_RESET_WINDOW =
            Values.duration(Duration.ofSeconds(1), Duration.ofMinutes(10));

    private LimitsBinder() {}

    static LimitsConfig bind(MappingReader section, Problems problems) {
        LimitsConfig defaults = LimitsConfig.defaults();
        Integer maxConnections = section.value("max_connections", CONNECTIONS);
        int total = maxConnections == null ? defaults.maxConnections() : maxConnections;
        boolean totalKnown = maxConnections != null || !section.has("max_connections");
        return new LimitsConfig(
                total,
                perIp(section, total, totalKnown, problems),
                section.value("max_request_line", REQUEST_LINE, defaults.maxRequestLine()),
                section.value("max_header_bytes", HEADER_BYTES, defaults.maxHeaderBytes()),
                section.value("max_headers", HEADERS, defaults.maxHeaders()),
                section.value("max_body_bytes", BODY_BYTES, defaults.maxBodyBytes()),
                section.value("header_timeout", HEADER_TIMEOUT, defaults.headerTimeout()),
                section.value("idle_timeout", IDLE_TIMEOUT, defaults.idleTimeout()),
                section.value(
                        "http2_max_concurrent_streams",
                        HTTP2_STREAMS,
                        defaults.http2MaxConcurrentStreams()),
                section.value("http2_initial_window", HTTP2_WINDOW, defaults.http2InitialWindow()),
                section.value("http2_max_resets", HTTP2_RESETS, defaults.http2MaxResets()),
                section.value(
                        "http2_reset_window", HTTP2_RESET_WINDOW, defaults.http2ResetWindow()));
    }

    /**
     * The per-address cap, which may not exceed the total. When it is not written it is the default
     * or the total, whichever is lower, so lowering only the total stays valid.
     */
    private static int perIp(
            MappingReader section, int total, boolean totalKnown, Problems problems) {
        Integer perIp = section.value("max_connections_per_ip", CONNECTIONS);
        if (perIp == null) {
            return Math.min(LimitsConfig.defaults().maxConnectionsPerIp(), total);
        }
        if (totalKnown && perIp > total) {
            problems.add(
                    section.pathOf("max_connections_per_ip"),
                    section.lineOf("max_connections_per_ip"),
                    "must not be greater than max_connections ("
                            + total
                            + "): "
                            + quote(String.valueOf(perIp)));
        }
        return perIp;
    }
}
