package dev.portcullis.health;

import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.config.OutlierConfig;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The health of one upstream's backends: a {@link BackendHealth} per backend, fed by the active
 * checks when the upstream has them and by the outlier detector, and the admin view of them all.
 *
 * <p>Creating it already sets each backend's availability for a backend never checked (so build it
 * before the listeners bind); {@link #start()} starts the checks and the detector, {@link #close()}
 * stops both. The availability the backends have at close stays as it is.
 */
public final class UpstreamHealth implements AutoCloseable {

    private final String upstream;
    private final List<BackendHealth> backends;
    private final @Nullable ActiveHealthChecker checker;
    private final OutlierDetector detector;

    private UpstreamHealth(
            String upstream,
            List<BackendHealth> backends,
            @Nullable ActiveHealthChecker checker,
            OutlierDetector detector) {
        this.upstream = upstream;
        this.backends = List.copyOf(backends);
        this.checker = checker;
        this.detector = detector;
    }

    /**
     * Builds the health of an upstream's backends. Resolves backend host names when there are
     * active checks, so it blocks: call it before serving, never on an event loop.
     *
     * @param checks the upstream's active checks, or {@code null} for none
     * @param group runs the checks and the timers of ejections; normally the proxy's I/O loops
     * @param channelType the socket channel class matching the group's I/O handler
     * @throws UnknownHostException when a backend's host name does not resolve
     */
    public static UpstreamHealth create(
            Upstream upstream,
            @Nullable HealthCheckConfig checks,
            OutlierConfig outlier,
            EventLoopGroup group,
            Class<? extends Channel> channelType,
            ProxyMetrics metrics)
            throws UnknownHostException {
        return create(upstream, checks, outlier, group, channelType, metrics, null);
    }

    /**
     * As {@link #create(Upstream, HealthCheckConfig, OutlierConfig, EventLoopGroup, Class,
     * ProxyMetrics)}, for a reload: each backend that the previous health also watched keeps the
     * state it had there. Close the previous health before starting this one.
     */
    public static UpstreamHealth create(
            Upstream upstream,
            @Nullable HealthCheckConfig checks,
            OutlierConfig outlier,
            EventLoopGroup group,
            Class<? extends Channel> channelType,
            ProxyMetrics metrics,
            @Nullable UpstreamHealth previous)
            throws UnknownHostException {
        EjectionBudget budget =
                new EjectionBudget(upstream.backends().size(), outlier.maxEjectionPercent());
        List<BackendHealth> backends = new ArrayList<>();
        for (Backend backend : upstream.backends()) {
            BackendHealth before = previous == null ? null : previous.healthOf(backend);
            backends.add(
                    new BackendHealth(backend, checks, outlier, budget, System::nanoTime, before));
        }
        ActiveHealthChecker checker =
                checks == null
                        ? null
                        : new ActiveHealthChecker(
                                upstream.name(), checks, backends, group, channelType, metrics);
        OutlierDetector detector =
                new OutlierDetector(upstream.name(), outlier, backends, group, metrics);
        return new UpstreamHealth(upstream.name(), backends, checker, detector);
    }

    public String upstream() {
        return upstream;
    }

    /** The health of each backend, in configuration order. */
    public List<BackendHealth> backends() {
        return backends;
    }

    /**
     * Starts outlier detection and the active checks.
     *
     * @return completes when every backend has had its first active check (pass, fail or timeout);
     *     at once when the upstream has no active checks
     */
    public CompletableFuture<Void> start() {
        detector.start();
        return checker == null ? CompletableFuture.completedFuture(null) : checker.start();
    }

    private @Nullable BackendHealth healthOf(Backend backend) {
        for (BackendHealth health : backends) {
            if (health.backend() == backend) {
                return health;
            }
        }
        return null;
    }

    /** The admin view of every backend of the upstream now, in configuration order. */
    public List<BackendStatus> statuses() {
        Instant now = Instant.now();
        List<BackendStatus> statuses = new ArrayList<>(backends.size());
        for (BackendHealth backend : backends) {
            statuses.add(backend.status(now));
        }
        return statuses;
    }

    /** Stops the checks and the detector. */
    @Override
    public void close() {
        detector.close();
        if (checker != null) {
            checker.close();
        }
    }
}
