package dev.portcullis.server.timeout;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every armed {@link Deadline} of one event loop with a single repeating check every
 * {@value #TICK_MILLIS} ms, instead of scheduling and cancelling a task per deadline. The check
 * runs only while something is armed. Deadlines sit in an intrusive list, so adding and removing
 * allocate nothing; a check walks the list, which stays short (one entry per open connection at
 * most a few per request).
 */
public final class DeadlineSweeper {

    static final long TICK_MILLIS = 50;

    private static final FastThreadLocal<DeadlineSweeper> BY_LOOP = new FastThreadLocal<>();
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineSweeper.class);

    private final EventExecutor executor;
    private final Runnable sweep = this::sweep;
    private @Nullable Deadline head;
    private boolean scheduled;
    private int armed;

    private DeadlineSweeper(EventExecutor executor) {
        this.executor = executor;
    }

    /** The sweeper of the event loop running now; created on first use. */
    static DeadlineSweeper of(EventExecutor executor) {
        DeadlineSweeper sweeper = BY_LOOP.get();
        if (sweeper == null || sweeper.executor != executor) {
            sweeper = new DeadlineSweeper(executor);
            BY_LOOP.set(sweeper);
        }
        return sweeper;
    }

    /** Deadlines armed on this loop now. */
    int armedCount() {
        return armed;
    }

    void add(Deadline deadline) {
        deadline.sweeper = this;
        deadline.previous = null;
        deadline.next = head;
        if (head != null) {
            head.previous = deadline;
        }
        head = deadline;
        armed++;
    }

    void remove(Deadline deadline) {
        Deadline before = deadline.previous;
        Deadline after = deadline.next;
        if (before == null) {
            head = after;
        } else {
            before.next = after;
        }
        if (after != null) {
            after.previous = before;
        }
        deadline.previous = null;
        deadline.next = null;
        deadline.sweeper = null;
        armed--;
    }

    void wake() {
        if (!scheduled) {
            scheduled = true;
            executor.schedule(sweep, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void sweep() {
        scheduled = false;
        long now = System.nanoTime();
        Deadline current = head;
        while (current != null) {
            Deadline following = current.next;
            if (now - current.dueNanos >= 0) {
                remove(current);
                try {
                    current.expired();
                } catch (RuntimeException e) {
                    LOG.warn("A timeout callback failed: {}", e.toString(), e);
                }
                // The callback may have removed the next entry; then walk again from the head.
                following = nextStillLinked(following);
            }
            current = following;
        }
        if (head != null) {
            wake();
        }
    }

    /** The walk's next entry, unless an expiry callback removed it meanwhile. */
    private @Nullable Deadline nextStillLinked(@Nullable Deadline candidate) {
        if (candidate == null || candidate.sweeper == this) {
            return candidate;
        }
        return head;
    }
}
