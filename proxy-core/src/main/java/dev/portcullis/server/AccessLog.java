package dev.portcullis.server;

import dev.portcullis.config.AccessLogFormat;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per request on the {@code portcullis.access} logger, as a JSON object or in the
 * combined format. The line is built in a buffer owned by the event loop thread, and the query
 * string is left out (it often carries tokens).
 */
final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("portcullis.access");
    private static final DateTimeFormatter ISO_SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLF_SECOND =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);
    private static final FastThreadLocal<LineBuffer> BUFFERS =
            new FastThreadLocal<>() {
                @Override
                protected LineBuffer initialValue() {
                    return new LineBuffer();
                }
            };

    /** What one line says about a finished request. */
    interface Entry {
        String requestId();

        String client();

        String method();

        String host();

        /** The request target; its first {@link #pathLength()} characters are the path. */
        String requestTarget();

        int pathLength();

        String protocol();

        int status();

        long requestBytes();

        long responseBytes();

        long durationNanos();

        String route();

        @Nullable String upstream();

        @Nullable String backend();

        int attempts();

        @Nullable String blockedBy();

        String outcome();

        @Nullable String userAgent();

        @Nullable String referer();
    }

    private final AccessLogFormat format;

    AccessLog(AccessLogFormat format) {
        this.format = format;
    }

    void write(Entry entry) {
        if (format == AccessLogFormat.OFF || !LOG.isInfoEnabled()) {
            return;
        }
        LineBuffer buffer = BUFFERS.get();
        StringBuilder line = buffer.line;
        line.setLength(0);
        long nowMillis = System.currentTimeMillis();
        if (format == AccessLogFormat.JSON) {
            json(buffer, line, entry, nowMillis);
        } else {
            combined(buffer, line, entry, nowMillis);
        }
        LOG.info(line.toString());
        if (line.capacity() > 16 * 1024) {
            buffer.line = new StringBuilder(512);
        }
    }

    private static void json(LineBuffer buffer, StringBuilder line, Entry entry, long nowMillis) {
        line.append("{\"time\":\"");
        buffer.appendIsoTime(line, nowMillis);
        line.append("\",\"request_id\":");
        quoted(line, entry.requestId());
        line.append(",\"client\":");
        quoted(line, entry.client());
        line.append(",\"method\":");
        quoted(line, entry.method());
        line.append(",\"host\":");
        quoted(line, entry.host());
        line.append(",\"path\":\"");
        escaped(line, entry.requestTarget(), entry.pathLength());
        line.append('"');
        line.append(",\"protocol\":");
        quoted(line, entry.protocol());
        line.append(",\"status\":").append(entry.status());
        line.append(",\"bytes_in\":").append(entry.requestBytes());
        line.append(",\"bytes_out\":").append(entry.responseBytes());
        line.append(",\"duration_ms\":");
        appendMillis(line, entry.durationNanos());
        line.append(",\"route\":");
        quoted(line, entry.route());
        line.append(",\"upstream\":");
        quoted(line, entry.upstream());
        line.append(",\"backend\":");
        quoted(line, entry.backend());
        line.append(",\"attempts\":").append(entry.attempts());
        line.append(",\"blocked_by\":");
        quoted(line, entry.blockedBy());
        line.append(",\"outcome\":");
        quoted(line, entry.outcome());
        line.append(",\"user_agent\":");
        quoted(line, entry.userAgent());
        line.append(",\"referer\":");
        quoted(line, entry.referer());
        line.append('}');
    }

    private static void combined(
            LineBuffer buffer, StringBuilder line, Entry entry, long nowMillis) {
        line.append(entry.client()).append(" - - [");
        buffer.appendClfTime(line, nowMillis);
        line.append("] \"").append(entry.method()).append(' ');
        escaped(line, entry.requestTarget(), entry.pathLength());
        line.append(' ').append(entry.protocol()).append("\" ");
        line.append(entry.status()).append(' ').append(entry.responseBytes()).append(" \"");
        String referer = entry.referer();
        escaped(line, referer == null ? "-" : referer);
        line.append("\" \"");
        String userAgent = entry.userAgent();
        escaped(line, userAgent == null ? "-" : userAgent);
        line.append("\" request_id=").append(entry.requestId());
        line.append(" duration_ms=");
        appendMillis(line, entry.durationNanos());
        line.append(" route=").append(entry.route());
        String backend = entry.backend();
        line.append(" backend=").append(backend == null ? "-" : backend);
        line.append(" outcome=").append(entry.outcome());
    }

    private static void appendMillis(StringBuilder line, long nanos) {
        long micros = nanos / 1000;
        line.append(micros / 1000).append('.');
        long fraction = micros % 1000;
        if (fraction < 100) {
            line.append('0');
        }
        if (fraction < 10) {
            line.append('0');
        }
        line.append(fraction);
    }

    private static void quoted(StringBuilder line, @Nullable String value) {
        if (value == null) {
            line.append("null");
            return;
        }
        line.append('"');
        escaped(line, value);
        line.append('"');
    }

    /** Escapes for JSON; the same escaping keeps combined lines on one line. */
    private static void escaped(StringBuilder line, String value) {
        escaped(line, value, value.length());
    }

    /** Escapes the first {@code end} characters of the value. */
    private static void escaped(StringBuilder line, String value, int end) {
        int length = Math.min(end, 2048);
        int clean = 0;
        while (clean < length) {
            char c = value.charAt(clean);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                break;
            }
            clean++;
        }
        // Most values need no escaping: copy them in one go.
        line.append(value, 0, clean);
        if (clean == end) {
            return;
        }
        for (int i = clean; i < length; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                line.append("\\u00");
                line.append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                line.append(c);
            }
        }
        if (length < end) {
            line.append("...");
        }
    }

    /** A line buffer and the formatted current second, per event loop thread. */
    private static final class LineBuffer {
        StringBuilder line = new StringBuilder(512);
        private long isoSecond = Long.MIN_VALUE;
        private String isoText = "";
        private long clfSecond = Long.MIN_VALUE;
        private String clfText = "";

        void appendIsoTime(StringBuilder out, long millis) {
            long second = Math.floorDiv(millis, 1000);
            if (second != isoSecond) {
                isoSecond = second;
                isoText = ISO_SECOND.format(Instant.ofEpochSecond(second));
            }
            out.append(isoText).append('.');
            long fraction = Math.floorMod(millis, 1000);
            if (fraction < 100) {
                out.append('0');
            }
            if (fraction < 10) {
                out.append('0');
            }
            out.append(fraction).append('Z');
        }

        void appendClfTime(StringBuilder out, long millis) {
            long second = Math.floorDiv(millis, 1000);
            if (second != clfSecond) {
                clfSecond = second;
                clfText = CLF_SECOND.format(Instant.ofEpochSecond(second)) + " +0000";
            }
            out.append(clfText);
        }
    }
}
