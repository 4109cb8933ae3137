package dev.portcullis.server.timeout;

import io.netty.util.concurrent.EventExecutor;
import org.jspecify.annotations.Nullable;

/**
 * A time limit of one connection or exchange, watched by its event loop's {@link DeadlineSweeper}.
 * Arming, re-arming and disarming cost a few field writes and allocate nothing, which matters
 * because every request arms and disarms several. A deadline fires at most one sweep interval late.
 * Confined to its event loop.
 */
public abstract class Deadline {

    @Nullable Deadline previous;
    @Nullable Deadline next;
    @Nullable DeadlineSweeper sweeper;
    long dueNanos;

    /** Called on the event loop once the deadline has passed; it is disarmed by then. */
    protected abstract void expired();

    /**
     * Arms (or re-arms) the deadline to expire after {@code delayNanos}.
     *
     * @param executor the event loop the owner runs on
     */
    public final void arm(EventExecutor executor, long delayNanos) {
        DeadlineSweeper owner = sweeper;
        if (owner == null) {
            owner = DeadlineSweeper.of(executor);
            owner.add(this);
        }
        dueNanos = System.nanoTime() + delayNanos;
        owner.wake();
    }

    /** Disarms the deadline; nothing happens when it is not armed. */
    public final void disarm() {
        DeadlineSweeper owner = sweeper;
        if (owner != null) {
            owner.remove(this);
        }
    }

    public final boolean isArmed() {
        return sweeper != null;
    }
}
