package dev.portcullis.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * A WARN that repeats under load (a backend refusing connections, a filter failing) is written at
 * most once per interval: the first occurrence at once, later ones summed into the next line with
 * how many were suppressed. Thread-safe and cheap when suppressed.
 */
public final class RateLimitedLog {

    private final Logger logger;
    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder suppressed = new LongAdder();

    public RateLimitedLog(Logger logger, java.time.Duration interval) {
        this.logger = logger;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs at WARN unless a line was written within the interval. */
    public void warn(String format, @Nullable Object... arguments) {
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        if ((next != Long.MIN_VALUE && now - next < 0)
                || !nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.increment();
            return;
        }
        long skipped = suppressed.sumThenReset();
        if (skipped > 0) {
            logger.warn(format + " (" + skipped + " similar suppressed)", arguments);
        } else {
            logger.warn(format, arguments);
        }
    }
}
