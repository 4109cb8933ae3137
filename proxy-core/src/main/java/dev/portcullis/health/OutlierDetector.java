package dev.portcullis.health;

import dev.portcullis.config.OutlierConfig;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.metrics.RateLimitedLog;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.BackendObserver;
import io.micrometer.core.instrument.Counter;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive outlier detection for one upstream: it watches the outcome of every request to each
 * backend and ejects a backend that fails too many in a row.
 *
 * <h2>What counts</h2>
 *
 * <p>Local failures (connect, reset, timeout, invalid response) count towards {@code
 * consecutive_failures}; 5xx responses count towards {@code consecutive_5xx} only when that is set,
 * because ejecting on 5xx lets anyone who finds a URL that answers 500 eject the backends one by
 * one (the split of local-origin and external errors that Envoy's outlier detection makes). Any
 * response resets the local count, a non-5xx response resets the 5xx count. Failures reported while
 * the backend is already ejected are requests that were in flight; they are not counted again.
 *
 * <h2>Limits</h2>
 *
 * <p>No ejection takes more than {@code max_ejection_percent} of the upstream's backends out at
 * once; an ejection refused for that is counted in {@code portcullis_backend_ejections_skipped} and
 * tried again at the backend's next failure. The timer that ends an ejection runs on an event loop
 * of the given group; with active checks, the backend then waits for a passing check (see {@link
 * BackendHealth}).
 *
 * <h2>Cost on the request path</h2>
 *
 * <p>A success is one or two volatile reads while nothing was failing; a failure is an atomic
 * increment. Nothing allocates until a threshold is reached.
 */
public final class OutlierDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutlierDetector.class);

    private final String upstream;
    private final OutlierConfig config;
    private final EventExecutorGroup timers;
    private final List<Watch> watches = new ArrayList<>();
    private final Counter skipped;
    private final RateLimitedLog heldLog = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param backends the health of each backend of the upstream, sharing one ejection budget
     * @param timers runs the timers that end ejections
     */
    OutlierDetector(
            String upstream,
            OutlierConfig config,
            List<BackendHealth> backends,
            EventExecutorGroup timers,
            ProxyMetrics metrics) {
        this.upstream = upstream;
        this.config = config;
        this.timers = timers;
        this.skipped = metrics.ejectionsSkipped(upstream);
        for (BackendHealth health : backends) {
            Backend backend = health.backend();
            watches.add(new Watch(health, metrics.ejections(upstream, backend.id())));
        }
    }

    /** Starts watching: installs an observer on every backend (nothing when detection is off). */
    void start() {
        if (closed || started || !config.enabled()) {
            return;
        }
        started = true;
        for (Watch watch : watches) {
            watch.health.backend().observer(watch);
            long remaining = watch.health.remainingEjectionNanos();
            if (remaining > 0) {
                // An ejection inherited from the configuration before a reload.
                scheduleRelease(watch, remaining);
            }
        }
    }

    /** Stops watching and cancels the timers of running ejections. */
    @Override
    public void close() {
        closed = true;
        for (Watch watch : watches) {
            Backend backend = watch.health.backend();
            if (backend.observer() == watch) {
                backend.observer(BackendObserver.NONE);
            }
            ScheduledFuture<?> release = watch.release;
            if (release != null) {
                release.cancel(false);
            }
        }
    }

    private void eject(Watch watch, String reason) {
        if (closed) {
            return;
        }
        switch (watch.health.tryEject(reason)) {
            case EJECTED -> {
                watch.reset();
                watch.ejections.increment();
                scheduleRelease(watch, watch.health.remainingEjectionNanos());
            }
            case HELD_BY_LIMIT -> {
                skipped.increment();
                heldLog.warn(
                        "backend not ejected upstream={} backend={} reason=\"{};"
                                + " max_ejection_percent {} of the upstream's backends are ejected"
                                + " already\"",
                        upstream,
                        watch.health.backend().id(),
                        reason,
                        config.maxEjectionPercent());
            }
            case ALREADY_EJECTED -> {}
        }
    }

    private void scheduleRelease(Watch watch, long delayNanos) {
        try {
            watch.release = timers.schedule(() -> release(watch), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The event loops are shutting down; nothing is served any more.
        }
    }

    private void release(Watch watch) {
        if (closed) {
            return;
        }
        long remaining = watch.health.releaseIfDue();
        if (remaining > 0) {
            scheduleRelease(watch, remaining);
        }
    }

    /** The observer of one backend and its failure counts. */
    private final class Watch implements BackendObserver {
        private final BackendHealth health;
        private final Counter ejections;
        private final AtomicInteger localFailures = new AtomicInteger();
        private final AtomicInteger serverErrors = new AtomicInteger();
        private volatile @Nullable ScheduledFuture<?> release;

        Watch(BackendHealth health, Counter ejections) {
            this.health = health;
            this.ejections = ejections;
        }

        @Override
        public void onResponse(int status) {
            // Reads before writes: a backend that is doing fine sees no write traffic here.
            if (localFailures.get() != 0) {
                localFailures.set(0);
            }
            int limit = config.consecutive5xx();
            if (status >= 500 && status <= 599 && limit > 0) {
                if (!health.isEjected()) {
                    int count = serverErrors.incrementAndGet();
                    if (count >= limit) {
                        eject(this, count + " 5xx responses in a row, last " + status);
                    }
                }
                return;
            }
            if (serverErrors.get() != 0) {
                serverErrors.set(0);
            }
        }

        @Override
        public void onLocalFailure() {
            int limit = config.consecutiveLocalFailures();
            if (limit == 0 || health.isEjected()) {
                return;
            }
            int count = localFailures.incrementAndGet();
            if (count >= limit) {
                eject(this, count + " local failures in a row (connect, reset or timeout)");
            }
        }

        void reset() {
            localFailures.set(0);
            serverErrors.set(0);
        }
    }
}
