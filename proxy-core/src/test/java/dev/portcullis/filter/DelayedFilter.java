package dev.portcullis.filter;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test filter whose verdict comes later, from a thread of its own, as one that asks a shared
 * store would. It counts the verdicts it started and completed and notes when it completed the last
 * one.
 */
final class DelayedFilter implements Filter, AutoCloseable {

    static final String NAME = "delayed";
    static final Response TIMED_OUT =
            Response.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "Decision timed out\n");
    static final Response TOO_MANY =
            Response.text(HttpResponseStatus.TOO_MANY_REQUESTS, "Decided later: too many\n");

    /** What the later verdict turns out to be. */
    enum Outcome {
        PROCEED,
        /** Answer {@link #TOO_MANY}. */
        RESPOND,
        /** The stage completes exceptionally, as a store that cannot be reached. */
        FAIL
    }

    private final Duration delay;
    private final Duration timeout;
    private final Outcome outcome;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    task -> {
                        Thread thread = new Thread(task, "delayed-verdicts");
                        thread.setDaemon(true);
                        return thread;
                    });
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private volatile long lastCompletedNanos;

    /**
     * A filter whose verdicts are to proceed.
     *
     * @param delay how long each verdict takes; zero completes it before it is returned
     * @param timeout how long the chain waits for it before {@link #TIMED_OUT} applies
     */
    DelayedFilter(Duration delay, Duration timeout) {
        this(delay, timeout, Outcome.PROCEED);
    }

    DelayedFilter(Duration delay, Duration timeout, Outcome outcome) {
        this.delay = delay;
        this.timeout = timeout;
        this.outcome = outcome;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        started.incrementAndGet();
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        if (delay.isZero()) {
            complete(verdict);
        } else {
            timer.schedule(() -> complete(verdict), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
        return Verdict.later(verdict, timeout, Verdict.respond(TIMED_OUT));
    }

    private void complete(CompletableFuture<Verdict> verdict) {
        lastCompletedNanos = System.nanoTime();
        completed.incrementAndGet();
        switch (outcome) {
            case PROCEED -> verdict.complete(Verdict.proceed());
            case RESPOND -> verdict.complete(Verdict.respond(TOO_MANY));
            case FAIL -> verdict.completeExceptionally(new IllegalStateException("store down"));
        }
    }

    int started() {
        return started.get();
    }

    int completed() {
        return completed.get();
    }

    /** {@link System#nanoTime()} when the last verdict completed. */
    long lastCompletedNanos() {
        return lastCompletedNanos;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
