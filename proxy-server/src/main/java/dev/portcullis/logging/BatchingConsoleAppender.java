package dev.portcullis.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the event lines (access and security log) to standard output or error from a thread of its
 * own, many lines per system call.
 *
 * <p>The logging thread, an event loop, only encodes the line and puts it in a bounded queue: it
 * never waits, never wakes another thread while the writer is busy, and a full queue drops the line
 * and counts it instead of slowing requests down. The writer drains the queue in batches into one
 * buffer and flushes it when the queue is empty, so under load one {@code write} carries hundreds
 * of lines and at rest a line is out within {@link #LINGER_NANOS}. Logback's own {@code
 * AsyncAppender} in front of a {@code ConsoleAppender} costs a thread hand-off and a system call
 * per line, which was a third of the proxy's time at 30,000 requests per second.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingConsoleAppender.class);

    /** How long the writer waits between looks at an empty queue before it sleeps until woken. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private static final int IDLE_LOOKS_BEFORE_SLEEP = 40;
    private static final int BATCH = 1024;
    private static final int BUFFER_BYTES = 64 * 1024;

    private @Nullable Encoder<ILoggingEvent> encoder;
    private int queueSize = 8192;
    private String target = "System.out";
    private @Nullable OutputStream output;
    private long sleepNanos = TimeUnit.SECONDS.toNanos(1);

    private @Nullable ArrayBlockingQueue<byte[]> queue;
    private @Nullable Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean writerAsleep;
    private volatile boolean stopping;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public @Nullable Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    public int getQueueSize() {
        return queueSize;
    }

    public String getTarget() {
        return target;
    }

    /** Lines that may wait for the writer; more are dropped. */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** {@code System.out} or {@code System.err}. */
    public void setTarget(String target) {
        this.target = target;
    }

    /** For tests: where the lines go instead of a standard stream. */
    void setOutput(OutputStream output) {
        this.output = output;
    }

    /** For tests: how long the writer sleeps, when nothing wakes it, before it looks again. */
    void setSleepNanos(long sleepNanos) {
        this.sleepNanos = sleepNanos;
    }

    /** Lines dropped so far because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder set for the appender named \"" + name + "\"");
            return;
        }
        if (queueSize < 1) {
            addError("queueSize must be at least 1, not " + queueSize);
            return;
        }
        OutputStream sink = output;
        if (sink == null) {
            FileDescriptor descriptor;
            switch (target) {
                case "System.out" -> descriptor = FileDescriptor.out;
                case "System.err" -> descriptor = FileDescriptor.err;
                default -> {
                    addError("target must be System.out or System.err, not \"" + target + "\"");
                    return;
                }
            }
            sink = new FileOutputStream(descriptor);
        }
        OutputStream buffered = new BufferedOutputStream(sink, BUFFER_BYTES);
        ArrayBlockingQueue<byte[]> lines = new ArrayBlockingQueue<>(queueSize);
        queue = lines;
        stopping = false;
        Thread thread = new Thread(() -> drain(lines, buffered), "portcullis-log-" + name);
        thread.setDaemon(true);
        writer = thread;
        super.start();
        thread.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        Encoder<ILoggingEvent> lineEncoder = encoder;
        ArrayBlockingQueue<byte[]> lines = queue;
        if (lineEncoder == null || lines == null) {
            return;
        }
        if (!lines.offer(lineEncoder.encode(event))) {
            long count = dropped.incrementAndGet();
            // Power-of-two counts keep this warning to a few lines however long the overload.
            if (Long.bitCount(count) == 1) {
                LOG.warn("{} lines of {} dropped so far: its output does not keep up", count, name);
            }
            return;
        }
        if (writerAsleep) {
            Thread thread = writer;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        stopping = true;
        Thread thread = writer;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writer = null;
        queue = null;
    }

    private void drain(ArrayBlockingQueue<byte[]> lines, OutputStream out) {
        List<byte[]> batch = new ArrayList<>(BATCH);
        int idleLooks = 0;
        boolean unflushed = false;
        try {
            while (true) {
                if (lines.drainTo(batch, BATCH) > 0) {
                    for (byte[] line : batch) {
                        out.write(line);
                    }
                    batch.clear();
                    unflushed = true;
                    idleLooks = 0;
                    continue;
                }
                if (unflushed) {
                    out.flush();
                    unflushed = false;
                }
                if (stopping) {
                    // Lines may have come while the flush was writing: they leave before the end.
                    if (lines.isEmpty()) {
                        return;
                    }
                    continue;
                }
                if (++idleLooks < IDLE_LOOKS_BEFORE_SLEEP) {
                    // Lingering, not woken: under load the loggers never signal this thread.
                    LockSupport.parkNanos(LINGER_NANOS);
                    continue;
                }
                writerAsleep = true;
                // Looked at again after the flag is up, so that a line put just before is seen.
                if (lines.isEmpty() && !stopping) {
                    LockSupport.parkNanos(sleepNanos);
                }
                writerAsleep = false;
            }
        } catch (IOException e) {
            addError("cannot write log lines any more", e);
        }
    }
}
