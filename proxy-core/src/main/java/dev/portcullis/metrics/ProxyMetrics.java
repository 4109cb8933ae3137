package dev.portcullis.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The meters of the request path. Meters are looked up once, when a route, filter or listener is
 * built, and then used directly: nothing on the request path builds a tag list or a name.
 */
public final class ProxyMetrics {

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
    };

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> blocked = new ConcurrentHashMap<>();

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Metrics that go nowhere, for tests and tools that do not scrape. */
    public static ProxyMetrics discarding() {
        return new ProxyMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** {@code portcullis_blocked_total{reason}}. */
    public Counter blocked(String reason) {
        return blocked.computeIfAbsent(
                reason,
                r ->
                        Counter.builder(MeterNames.BLOCKED)
                                .description("Requests and connections refused, by reason")
                                .tag(MeterNames.TAG_REASON, r)
                                .register(registry));
    }

    /** {@code portcullis_filter_decisions_total{filter,outcome}}: pass, block or would_block. */
    public Counter filterDecision(String filter, String outcome) {
        return Counter.builder(MeterNames.FILTER_DECISIONS)
                .description("Verdicts of each request filter")
                .tag(MeterNames.TAG_FILTER, filter)
                .tag(MeterNames.TAG_OUTCOME, outcome)
                .register(registry);
    }

    /** The meters of one route. */
    public RouteMeters route(String route, String upstream) {
        Counter[] byClass = new Counter[6];
        for (int codeClass = 1; codeClass <= 5; codeClass++) {
            byClass[codeClass] =
                    Counter.builder(MeterNames.REQUESTS)
                            .description("Requests answered, by route, upstream and status class")
                            .tag(MeterNames.TAG_ROUTE, route)
                            .tag(MeterNames.TAG_UPSTREAM, upstream)
                            .tag(MeterNames.TAG_CODE_CLASS, codeClass + "xx")
                            .register(registry);
        }
        Timer duration =
                Timer.builder(MeterNames.REQUEST_DURATION)
                        .description("Time from the request head to the end of the response")
                        .tag(MeterNames.TAG_ROUTE, route)
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry);
        return new RouteMeters(byClass, duration);
    }

    /** {@code portcullis_upstream_duration_seconds{upstream}}: backend time to response head. */
    public Timer upstreamDuration(String upstream) {
        return Timer.builder(MeterNames.UPSTREAM_DURATION)
                .description("Time from sending the request head to the backend's response head")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /** {@code portcullis_upstream_failures_total{upstream,kind}}. */
    public Counter upstreamFailure(String upstream, String kind) {
        return Counter.builder(MeterNames.UPSTREAM_FAILURES)
                .description("Failed attempts to get a response from a backend, by kind")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .tag(MeterNames.TAG_KIND, kind)
                .register(registry);
    }

    /** {@code portcullis_upstream_retries_total{upstream}}. */
    public Counter upstreamRetries(String upstream) {
        return Counter.builder(MeterNames.UPSTREAM_RETRIES)
                .description("Requests sent again after a failed attempt")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .register(registry);
    }

    /**
     * {@code portcullis_upstream_connections_total{upstream,event}}: connections opened, reused
     * from the pool, and found closed in it.
     */
    public Counter upstreamConnections(String upstream, String event) {
        return Counter.builder(MeterNames.UPSTREAM_CONNECTIONS)
                .description("Backend connection pool events")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .tag(MeterNames.TAG_EVENT, event)
                .register(registry);
    }

    /**
     * {@code portcullis_backend_health_checks_total{upstream,backend,result}}: active checks by
     * result, {@link MeterNames#RESULT_SUCCESS} or {@link MeterNames#RESULT_FAILURE}.
     */
    public Counter healthChecks(String upstream, String backend, String result) {
        return Counter.builder(MeterNames.BACKEND_HEALTH_CHECKS)
                .description("Active health checks of a backend, by result")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .tag(MeterNames.TAG_BACKEND, backend)
                .tag(MeterNames.TAG_RESULT, result)
                .register(registry);
    }

    /** {@code portcullis_backend_ejections_total{upstream,backend}}: passive ejections. */
    public Counter ejections(String upstream, String backend) {
        return Counter.builder(MeterNames.BACKEND_EJECTIONS)
                .description("Times a backend was taken out of service for failing requests")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .tag(MeterNames.TAG_BACKEND, backend)
                .register(registry);
    }

    /**
     * {@code portcullis_backend_ejections_skipped_total{upstream}}: ejections not made because
     * {@code max_ejection_percent} of the upstream's backends were ejected already.
     */
    public Counter ejectionsSkipped(String upstream) {
        return Counter.builder(MeterNames.BACKEND_EJECTIONS_SKIPPED)
                .description("Ejections held back because too many backends were ejected already")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .register(registry);
    }

    /** {@code portcullis_active_connections{listener}}, backed by the returned counter. */
    public AtomicInteger activeConnections(String listener) {
        AtomicInteger active = new AtomicInteger();
        Gauge.builder(MeterNames.ACTIVE_CONNECTIONS, active, AtomicInteger::get)
                .description("Open client connections")
                .tag(MeterNames.TAG_LISTENER, listener)
                .register(registry);
        return active;
    }

    /** {@code portcullis_connections_total{listener}}: client connections accepted. */
    public Counter connectionsAccepted(String listener) {
        return Counter.builder(MeterNames.CONNECTIONS)
                .description("Client connections accepted")
                .tag(MeterNames.TAG_LISTENER, listener)
                .register(registry);
    }

    /** The gauges of one backend. */
    public void backend(
            String upstream, String backend, Supplier<Number> up, Supplier<Number> active) {
        Gauge.builder(MeterNames.BACKEND_UP, up)
                .description("Whether the backend may receive traffic (1) or not (0)")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .tag(MeterNames.TAG_BACKEND, backend)
                .register(registry);
        Gauge.builder(MeterNames.BACKEND_ACTIVE_REQUESTS, active)
                .description("Requests in flight to the backend")
                .tag(MeterNames.TAG_UPSTREAM, upstream)
                .tag(MeterNames.TAG_BACKEND, backend)
                .register(registry);
    }

    /** Removes the gauges of a backend that is no longer configured. */
    public void removeBackend(String upstream, String backend) {
        for (String name :
                new String[] {MeterNames.BACKEND_UP, MeterNames.BACKEND_ACTIVE_REQUESTS}) {
            for (var meter :
                    registry.find(name)
                            .tag(MeterNames.TAG_UPSTREAM, upstream)
                            .tag(MeterNames.TAG_BACKEND, backend)
                            .meters()) {
                registry.remove(meter);
            }
        }
    }

    /** Request counters by status class and the latency timer of one route. */
    public static final class RouteMeters {
        private final Counter[] byCodeClass;
        private final Timer duration;

        private RouteMeters(Counter[] byCodeClass, Timer duration) {
            this.byCodeClass = byCodeClass;
            this.duration = duration;
        }

        /** Counts one answered request and its duration. */
        public void record(int status, long durationNanos) {
            int codeClass = status / 100;
            if (codeClass >= 1 && codeClass <= 5) {
                byCodeClass[codeClass].increment();
            }
            duration.record(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
