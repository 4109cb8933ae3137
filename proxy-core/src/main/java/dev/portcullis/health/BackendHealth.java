package dev.portcullis.health;

import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.config.OutlierConfig;
import dev.portcullis.config.unit.Durations;
import dev.portcullis.upstream.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one backend, and the verdict that the balancers read through {@link
 * Backend#isAvailable()}: this class is the only writer of it once it exists.
 *
 * <h2>States</h2>
 *
 * <p>Active checks move the backend between {@link HealthState#UNKNOWN} (never checked), {@link
 * HealthState#HEALTHY} and {@link HealthState#UNHEALTHY}. The first result decides at once; after
 * that it takes {@code unhealthy} failures in a row to go down and {@code healthy} passes in a row
 * to come back, the fall and rise of HAProxy's checks.
 *
 * <p>Outlier detection ejects the backend on top of that, for {@code base_ejection × 2^(n-1)} and
 * at most {@code max_ejection}, n counting the ejections of a series. A series ends once the
 * backend has been back in service for a full base ejection time, so an occasional ejection stays
 * short and a backend that keeps failing stays out longer each time. When the time is up the
 * backend returns at once if the upstream has no active checks, and with the next passing check if
 * it has: an ejected backend is not trusted again on the clock alone when it can be asked. An
 * ejection also ends early when the active checks saw the backend go down and then come back up
 * ({@code unhealthy} failures, then {@code healthy} passes): that outage explains the failures that
 * ejected it, and it is over, so a restarted backend returns within its checks' rise time.
 *
 * <p>Available means: not ejected, and healthy, or unknown while traffic before the first check is
 * allowed ({@code check_before_traffic: false}), or any state when there are no active checks.
 *
 * <h2>Threads</h2>
 *
 * <p>Check results arrive on the checker's event loop, request outcomes from every event loop. The
 * state is one immutable snapshot replaced by compare-and-set: no lock, no hop to another thread,
 * and each change happens exactly once, so the thread whose swap made it is the one that logs it
 * and acts on it. Confining the state to one event loop instead would cost a task hop for every
 * report made from the others. The verdict is copied to the {@link Backend} after each change by a
 * loop that rereads the snapshot until the copy matches, so that of two racing changes the later
 * one is what the balancers see.
 *
 * <h2>Side effects of a change</h2>
 *
 * <p>One log line per change, never per check: WARN when the backend goes down or is ejected, INFO
 * when it becomes healthy or returns. When it becomes unavailable its idle pooled connections are
 * closed (the in-use ones close when released); when an ejection ends, its slot in the upstream's
 * {@link EjectionBudget} is given back.
 */
public final class BackendHealth {

    private static final Logger LOG = LoggerFactory.getLogger(BackendHealth.class);

    /** Consecutive counts stop here rather than overflow. */
    private static final int COUNT_LIMIT = 1_000_000;

    private static final AtomicReferenceFieldUpdater<BackendHealth, Snapshot> SNAPSHOT =
            AtomicReferenceFieldUpdater.newUpdater(BackendHealth.class, Snapshot.class, "snapshot");

    /** Where the backend stands with outlier detection. */
    private enum Ejection {
        NONE,
        EJECTED,
        /** The ejection time is up; the next passing active check ends it. */
        PROBATION
    }

    /** What an attempt to eject the backend did. */
    enum EjectOutcome {
        EJECTED,
        /** Refused: {@code max_ejection_percent} of the upstream's backends are ejected. */
        HELD_BY_LIMIT,
        ALREADY_EJECTED
    }

    /**
     * @param checked the active-check state; never {@link HealthState#EJECTED}
     * @param ejections ejections of the current series
     * @param returnedAtNanos when the last ejection ended
     */
    private record Snapshot(
            HealthState checked,
            int successes,
            int failures,
            Ejection ejection,
            long ejectedUntilNanos,
            int ejections,
            long returnedAtNanos) {

        static final Snapshot INITIAL =
                new Snapshot(HealthState.UNKNOWN, 0, 0, Ejection.NONE, 0, 0, 0);
    }

    private record CheckRecord(long atNanos, boolean passed, String detail) {}

    private final Backend backend;
    private final @Nullable HealthCheckConfig checks;
    private final OutlierConfig outlier;
    private final EjectionBudget budget;
    private final LongSupplier nanoTime;
    private volatile Snapshot snapshot = Snapshot.INITIAL;
    private volatile @Nullable CheckRecord lastCheck;

    /**
     * Sets the backend's availability for a backend never checked: unavailable when the upstream
     * has active checks that must pass before traffic, available otherwise.
     *
     * @param checks the upstream's active checks, or {@code null} when it has none
     * @param budget shared by the backends of the upstream
     * @param nanoTime the monotonic clock of ejection times ({@code System::nanoTime})
     */
    BackendHealth(
            Backend backend,
            @Nullable HealthCheckConfig checks,
            OutlierConfig outlier,
            EjectionBudget budget,
            LongSupplier nanoTime) {
        this(backend, checks, outlier, budget, nanoTime, null);
    }

    /**
     * As the other constructor, taking over the state of the same backend's health under the
     * previous configuration before the backend's availability is first set, so that a reload never
     * takes a healthy backend out even for a moment.
     */
    BackendHealth(
            Backend backend,
            @Nullable HealthCheckConfig checks,
            OutlierConfig outlier,
            EjectionBudget budget,
            LongSupplier nanoTime,
            @Nullable BackendHealth previous) {
        this.backend = backend;
        this.checks = checks;
        this.outlier = outlier;
        this.budget = budget;
        this.nanoTime = nanoTime;
        if (previous != null) {
            inheritFrom(previous);
        } else {
            publish();
        }
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Takes over what the same backend's health knew under the previous configuration, so that a
     * reload neither forgets an ejection nor sends traffic to a backend not yet found healthy.
     */
    private void inheritFrom(BackendHealth previous) {
        Snapshot inherited = previous.snapshot;
        if (inherited.ejection() != Ejection.NONE && !budget.tryAcquire()) {
            // The new share of ejectable backends is smaller: this one returns to service.
            inherited =
                    new Snapshot(
                            inherited.checked(),
                            inherited.successes(),
                            inherited.failures(),
                            Ejection.NONE,
                            0,
                            inherited.ejections(),
                            inherited.returnedAtNanos());
        }
        snapshot = inherited;
        lastCheck = previous.lastCheck;
        publish();
    }

    /** Whether the balancers may choose the backend: the value last given to the backend. */
    public boolean isAvailable() {
        return verdict(snapshot);
    }

    /** {@link HealthState#EJECTED} while ejected, the active-check state otherwise. */
    public HealthState state() {
        return shownState(snapshot);
    }

    boolean isEjected() {
        return snapshot.ejection() != Ejection.NONE;
    }

    /** Counts a passing active check. */
    void checkPassed(String detail) {
        long now = nanoTime.getAsLong();
        lastCheck = new CheckRecord(now, true, detail);
        update(current -> passed(current, now), detail);
    }

    /** Counts a failing active check. */
    void checkFailed(String detail) {
        lastCheck = new CheckRecord(nanoTime.getAsLong(), false, detail);
        update(this::failed, detail);
    }

    /**
     * Ejects the backend unless it is ejected already or the upstream's budget is spent.
     *
     * @param reason why, for the log line
     */
    EjectOutcome tryEject(String reason) {
        if (isEjected()) {
            return EjectOutcome.ALREADY_EJECTED;
        }
        if (!budget.tryAcquire()) {
            return EjectOutcome.HELD_BY_LIMIT;
        }
        long now = nanoTime.getAsLong();
        Snapshot before;
        Snapshot after;
        do {
            before = snapshot;
            if (before.ejection() != Ejection.NONE) {
                budget.release();
                return EjectOutcome.ALREADY_EJECTED;
            }
            after = ejected(before, now);
        } while (!SNAPSHOT.compareAndSet(this, before, after));
        announce(before, after, reason);
        return EjectOutcome.EJECTED;
    }

    /** Time left of the current ejection; 0 when not ejected or the time is up. */
    long remainingEjectionNanos() {
        Snapshot current = snapshot;
        if (current.ejection() != Ejection.EJECTED) {
            return 0;
        }
        return Math.max(0, current.ejectedUntilNanos() - nanoTime.getAsLong());
    }

    /**
     * Ends the ejection when its time is up: the backend returns to service, or without a passing
     * check yet, waits for one when the upstream has active checks.
     *
     * @return the time still to wait when called early; 0 otherwise
     */
    long releaseIfDue() {
        long now = nanoTime.getAsLong();
        Snapshot before;
        Snapshot after;
        do {
            before = snapshot;
            if (before.ejection() != Ejection.EJECTED) {
                return 0;
            }
            long remaining = before.ejectedUntilNanos() - now;
            if (remaining > 0) {
                return remaining;
            }
            after =
                    checks != null
                            ? withEjection(before, Ejection.PROBATION, before.returnedAtNanos())
                            : withEjection(before, Ejection.NONE, now);
        } while (!SNAPSHOT.compareAndSet(this, before, after));
        announce(before, after, "ejection time is up");
        return 0;
    }

    /** The admin view of this backend now. */
    BackendStatus status(Instant wallNow) {
        Snapshot current = snapshot;
        long now = nanoTime.getAsLong();
        Instant until =
                current.ejection() == Ejection.NONE
                        ? null
                        : wallNow.plusNanos(current.ejectedUntilNanos() - now);
        CheckRecord check = lastCheck;
        BackendStatus.LastCheck last =
                check == null
                        ? null
                        : new BackendStatus.LastCheck(
                                wallNow.minusNanos(now - check.atNanos()),
                                check.passed(),
                                check.detail());
        return new BackendStatus(
                backend.upstreamName(),
                backend.id(),
                shownState(current),
                verdict(current),
                current.successes(),
                current.failures(),
                until,
                seriesOver(current, now) ? 0 : current.ejections(),
                backend.activeRequests(),
                last);
    }

    private Snapshot passed(Snapshot current, long now) {
        int successes = Math.min(current.successes() + 1, COUNT_LIMIT);
        HealthState checked = current.checked();
        if (checked == HealthState.UNKNOWN
                || (checked == HealthState.UNHEALTHY && successes >= checks().healthy())) {
            checked = HealthState.HEALTHY;
        }
        boolean recovered =
                current.checked() == HealthState.UNHEALTHY && checked == HealthState.HEALTHY;
        boolean probationOver =
                current.ejection() == Ejection.PROBATION
                        || (recovered && current.ejection() != Ejection.NONE);
        return new Snapshot(
                checked,
                successes,
                0,
                probationOver ? Ejection.NONE : current.ejection(),
                current.ejectedUntilNanos(),
                current.ejections(),
                probationOver ? now : current.returnedAtNanos());
    }

    private Snapshot failed(Snapshot current) {
        int failures = Math.min(current.failures() + 1, COUNT_LIMIT);
        HealthState checked = current.checked();
        if (checked == HealthState.UNKNOWN
                || (checked == HealthState.HEALTHY && failures >= checks().unhealthy())) {
            checked = HealthState.UNHEALTHY;
        }
        return new Snapshot(
                checked,
                0,
                failures,
                current.ejection(),
                current.ejectedUntilNanos(),
                current.ejections(),
                current.returnedAtNanos());
    }

    private Snapshot ejected(Snapshot current, long now) {
        int ejection = seriesOver(current, now) ? 1 : current.ejections() + 1;
        long length = outlier.ejectionTime(ejection).toNanos();
        return new Snapshot(
                current.checked(),
                current.successes(),
                current.failures(),
                Ejection.EJECTED,
                now + length,
                ejection,
                current.returnedAtNanos());
    }

    private static Snapshot withEjection(Snapshot current, Ejection ejection, long returnedAt) {
        return new Snapshot(
                current.checked(),
                current.successes(),
                current.failures(),
                ejection,
                current.ejectedUntilNanos(),
                current.ejections(),
                returnedAt);
    }

    /** Whether a full base ejection time has passed in service since the last ejection ended. */
    private boolean seriesOver(Snapshot current, long now) {
        return current.ejection() == Ejection.NONE
                && (current.ejections() == 0
                        || now - current.returnedAtNanos() >= outlier.baseEjection().toNanos());
    }

    private HealthCheckConfig checks() {
        HealthCheckConfig config = checks;
        if (config == null) {
            throw new IllegalStateException(
                    "an active check result for " + backend + ", whose upstream has no checks");
        }
        return config;
    }

    private boolean verdict(Snapshot current) {
        if (current.ejection() != Ejection.NONE) {
            return false;
        }
        HealthCheckConfig config = checks;
        return switch (current.checked()) {
            case HEALTHY -> true;
            case UNHEALTHY -> false;
            default -> config == null || !config.checkBeforeTraffic();
        };
    }

    private static HealthState shownState(Snapshot current) {
        return current.ejection() != Ejection.NONE ? HealthState.EJECTED : current.checked();
    }

    private void update(UnaryOperator<Snapshot> change, String detail) {
        Snapshot before;
        Snapshot after;
        do {
            before = snapshot;
            after = change.apply(before);
        } while (!SNAPSHOT.compareAndSet(this, before, after));
        announce(before, after, detail);
    }

    /** Acts on a change made by this thread's compare-and-set. */
    private void announce(Snapshot before, Snapshot after, String detail) {
        boolean wasAvailable = verdict(before);
        boolean available = verdict(after);
        if (wasAvailable != available) {
            publish();
        }
        if (before.ejection() != Ejection.NONE && after.ejection() == Ejection.NONE) {
            budget.release();
        }
        if (wasAvailable && !available) {
            backend.closeIdleConnections();
        }
        logChange(before, after, detail, available);
    }

    private void publish() {
        boolean verdict;
        do {
            verdict = verdict(snapshot);
            backend.setAvailable(verdict);
        } while (verdict(snapshot) != verdict);
    }

    private void logChange(Snapshot before, Snapshot after, String detail, boolean available) {
        if (before.ejection() == Ejection.NONE && after.ejection() == Ejection.EJECTED) {
            Duration length = outlier.ejectionTime(after.ejections());
            LOG.warn(
                    "backend ejected upstream={} backend={} available={} for={} ejection={}"
                            + " reason=\"{}\"",
                    backend.upstreamName(),
                    backend.id(),
                    available,
                    Durations.format(length),
                    after.ejections(),
                    detail);
        } else if (after.ejection() == Ejection.PROBATION
                && before.ejection() == Ejection.EJECTED) {
            LOG.debug(
                    "backend ejection over, waiting for a passing check upstream={} backend={}",
                    backend.upstreamName(),
                    backend.id());
        } else if (before.ejection() != Ejection.NONE && after.ejection() == Ejection.NONE) {
            LOG.info(
                    "backend back from ejection upstream={} backend={} available={} reason=\"{}\"",
                    backend.upstreamName(),
                    backend.id(),
                    available,
                    detail);
        }
        if (before.checked() == after.checked()) {
            return;
        }
        boolean first = before.checked() == HealthState.UNKNOWN;
        if (after.checked() == HealthState.UNHEALTHY) {
            LOG.warn(
                    "backend down upstream={} backend={} available={} reason=\"{}: {}\"",
                    backend.upstreamName(),
                    backend.id(),
                    available,
                    first ? "first check failed" : after.failures() + " checks failed in a row",
                    detail);
        } else {
            LOG.info(
                    "backend {} upstream={} backend={} available={} reason=\"{}: {}\"",
                    first ? "healthy" : "recovered",
                    backend.upstreamName(),
                    backend.id(),
                    available,
                    first ? "first check passed" : after.successes() + " checks passed in a row",
                    detail);
        }
    }

    @Override
    public String toString() {
        return backend + " " + state();
    }
}
