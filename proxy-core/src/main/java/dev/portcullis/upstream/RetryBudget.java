package dev.portcullis.upstream;

import dev.portcullis.config.RetryBudgetConfig;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Caps the retries of one upstream at a share of its recent requests, so that a failing backend
 * cannot make the others take a multiple of their load. Counts requests and retries in ten
 * one-second buckets; a retry is allowed while retries over the last ten seconds stay below {@code
 * percent} of the requests, or below {@code min_per_second} per second. Lock-free; exact enough for
 * a budget.
 */
public final class RetryBudget {

    private static final int BUCKETS = 10;
    private static final long SECOND = 1_000_000_000L;

    private final int percent;
    private final int minPerSecond;
    private final LongSupplier nanoTime;

    /** Per bucket: [second stamp, requests, retries]. */
    private final AtomicLongArray slots = new AtomicLongArray(BUCKETS * 3);

    public RetryBudget(RetryBudgetConfig config) {
        this(config, System::nanoTime);
    }

    RetryBudget(RetryBudgetConfig config, LongSupplier nanoTime) {
        this.percent = config.percent();
        this.minPerSecond = config.minPerSecond();
        this.nanoTime = nanoTime;
        for (int i = 0; i < BUCKETS; i++) {
            slots.set(i * 3, Long.MIN_VALUE);
        }
    }

    /** Counts a first attempt. */
    public void recordRequest() {
        add(1, 1);
    }

    /** Takes a retry from the budget; false when it is spent. */
    public boolean tryAcquireRetry() {
        long second = nanoTime.getAsLong() / SECOND;
        long requests = 0;
        long retries = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long stamp = slots.get(i * 3);
            if (stamp != Long.MIN_VALUE && second - stamp < BUCKETS) {
                requests += slots.get(i * 3 + 1);
                retries += slots.get(i * 3 + 2);
            }
        }
        long allowed = Math.max(requests * percent / 100, (long) minPerSecond * BUCKETS);
        if (retries >= allowed) {
            return false;
        }
        add(2, 1);
        return true;
    }

    private void add(int field, long amount) {
        long second = nanoTime.getAsLong() / SECOND;
        int bucket = (int) Math.floorMod(second, BUCKETS);
        int base = bucket * 3;
        long stamp = slots.get(base);
        if (stamp != second && slots.compareAndSet(base, stamp, second)) {
            // This bucket held an older second: start it afresh. A count that races with the
            // reset may be lost, which a budget can afford.
            slots.set(base + 1, 0);
            slots.set(base + 2, 0);
        }
        slots.addAndGet(base + field, amount);
    }
}
