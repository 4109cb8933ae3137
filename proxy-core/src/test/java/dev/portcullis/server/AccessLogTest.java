package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.config.AccessLogFormat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("portcullis.access");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private record Entry(String requestTarget, @Nullable String userAgent)
            implements AccessLog.Entry {
        @Override
        public int pathLength() {
            int query = requestTarget.indexOf('?');
            return query < 0 ? requestTarget.length() : query;
        }

        @Override
        public String requestId() {
            return "abc123";
        }

        @Override
        public String client() {
            return "203.0.113.7";
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String host() {
            return "app.example";
        }

        @Override
        public String protocol() {
            return "HTTP/1.1";
        }

        @Override
        public int status() {
            return 200;
        }

        @Override
        public long requestBytes() {
            return 0;
        }

        @Override
        public long responseBytes() {
            return 1234;
        }

        @Override
        public long durationNanos() {
            return 1_234_567;
        }

        @Override
        public String route() {
            return "web";
        }

        @Override
        public @Nullable String upstream() {
            return "app";
        }

        @Override
        public @Nullable String backend() {
            return null;
        }

        @Override
        public int attempts() {
            return 1;
        }

        @Override
        public @Nullable String blockedBy() {
            return null;
        }

        @Override
        public String outcome() {
            return "ok";
        }

        @Override
        public @Nullable String referer() {
            return null;
        }
    }

    @Test
    void json_plainValues_formOneObject() {
        new AccessLog(AccessLogFormat.JSON).write(new Entry("/a/b?token=secret", "curl/8"));

        String line = lines.list.get(0).getFormattedMessage();
        assertThat(line)
                .startsWith("{\"time\":\"")
                .contains("\"request_id\":\"abc123\"")
                .contains("\"path\":\"/a/b\"")
                .doesNotContain("secret")
                .contains("\"status\":200")
                .contains("\"duration_ms\":1.234")
                .contains("\"backend\":null")
                .contains("\"user_agent\":\"curl/8\"")
                .endsWith("}");
    }

    @Test
    void json_hostileValues_areEscapedOnOneLine() {
        new AccessLog(AccessLogFormat.JSON).write(new Entry("/x\"y\\z", "a\nb\u0001"));

        String line = lines.list.get(0).getFormattedMessage();
        assertThat(line)
                .contains("\"path\":\"/x\\\"y\\\\z\"")
                .contains("\"user_agent\":\"a\\u000ab\\u0001\"")
                .doesNotContain("\n");
    }

    @Test
    void combined_format_looksLikeApache() {
        new AccessLog(AccessLogFormat.COMBINED).write(new Entry("/a", null));

        String line = lines.list.get(0).getFormattedMessage();
        assertThat(line)
                .startsWith("203.0.113.7 - - [")
                .contains("] \"GET /a HTTP/1.1\" 200 1234 \"-\" \"-\" request_id=abc123");
    }

    @Test
    void off_writesNothing() {
        new AccessLog(AccessLogFormat.OFF).write(new Entry("/a", null));

        assertThat(lines.list).isEmpty();
    }
}
