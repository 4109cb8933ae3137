package dev.portcullis.logging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingConsoleAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("portcullis.access");
    private final RecordingOutput output = new RecordingOutput();
    private final BatchingConsoleAppender appender = new BatchingConsoleAppender();

    @AfterEach
    void stop() {
        output.open();
        appender.stop();
        context.stop();
    }

    @Test
    void lines_areWrittenWholeAndInOrder_inFewerWritesThanLines() {
        start(8192);

        for (int i = 0; i < 5000; i++) {
            append("line " + i);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> output.lines().size() == 5000);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            expected.add("line " + i);
        }
        assertThat(output.lines()).containsExactlyElementsOf(expected);
        assertThat(output.writes.get()).isLessThan(5000);
        assertThat(appender.dropped()).isZero();
    }

    @Test
    void line_afterTheWriterFellAsleep_wakesIt() {
        // Asleep, it would not look again by itself before the test gives up.
        appender.setSleepNanos(TimeUnit.MINUTES.toNanos(5));
        start(16);
        append("first");
        await().atMost(Duration.ofSeconds(5)).until(() -> output.lines().size() == 1);

        // Long enough for the writer to stop lingering and sleep until woken.
        await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(1)).until(() -> true);
        append("second");

        await().atMost(Duration.ofSeconds(5)).until(() -> output.lines().size() == 2);
        assertThat(output.lines()).containsExactly("first", "second");
    }

    @Test
    void fullQueue_dropsAndCountsLines_insteadOfWaiting() throws Exception {
        start(10);
        output.block();
        append("taken by the writer");
        output.awaitBlockedWrite();

        for (int i = 0; i < 25; i++) {
            append("queued " + i);
        }

        assertThat(appender.dropped()).isEqualTo(15);
        output.open();
        await().atMost(Duration.ofSeconds(5)).until(() -> output.lines().size() == 11);
        assertThat(output.lines())
                .startsWith("taken by the writer", "queued 0")
                .endsWith("queued 9");
    }

    @Test
    void stop_writesWhatIsStillQueued() {
        start(1000);
        output.block();
        append("taken by the writer");
        for (int i = 0; i < 100; i++) {
            append("queued " + i);
        }

        output.open();
        appender.stop();

        assertThat(output.lines()).hasSize(101).endsWith("queued 99");
    }

    @Test
    void start_withoutEncoder_refusesToStart() {
        BatchingConsoleAppender bare = new BatchingConsoleAppender();
        bare.setContext(context);

        bare.start();

        assertThat(bare.isStarted()).isFalse();
    }

    @Test
    void start_withUnknownTarget_refusesToStart() {
        BatchingConsoleAppender misdirected = new BatchingConsoleAppender();
        misdirected.setContext(context);
        misdirected.setEncoder(encoder());
        misdirected.setTarget("System.in");

        misdirected.start();

        assertThat(misdirected.isStarted()).isFalse();
    }

    private void start(int queueSize) {
        appender.setContext(context);
        appender.setName("test");
        appender.setEncoder(encoder());
        appender.setQueueSize(queueSize);
        appender.setOutput(output);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
    }

    private PatternLayoutEncoder encoder() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        return encoder;
    }

    private void append(String message) {
        appender.doAppend(new LoggingEvent("test", logger, Level.INFO, message, null, null));
    }

    /** Records what is written; can hold the writer inside a write, as a stalled pipe would. */
    private static final class RecordingOutput extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final AtomicInteger writes = new AtomicInteger();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private final CountDownLatch blockedWrite = new CountDownLatch(1);

        void block() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        void awaitBlockedWrite() throws InterruptedException {
            assertThat(blockedWrite.await(5, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            CountDownLatch current = gate;
            if (current.getCount() > 0) {
                blockedWrite.countDown();
                try {
                    current.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            writes.incrementAndGet();
            synchronized (bytes) {
                bytes.write(data, offset, length);
            }
        }

        List<String> lines() {
            String text;
            synchronized (bytes) {
                text = bytes.toString(UTF_8);
            }
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }
}
