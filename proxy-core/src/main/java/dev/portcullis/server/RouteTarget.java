package dev.portcullis.server;

import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.route.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

/** A route with the meters its requests are counted in, looked up once per configuration. */
final class RouteTarget {

    final Route route;
    final ProxyMetrics.RouteMeters meters;
    final Timer upstreamDuration;
    final Counter retries;
    final Counter connectFailures;
    final Counter resetFailures;
    final Counter timeoutFailures;
    final Counter invalidResponses;
    final Counter overloaded;

    RouteTarget(Route route, ProxyMetrics metrics) {
        String upstream = route.upstream().name();
        this.route = route;
        this.meters = metrics.route(route.name(), upstream);
        this.upstreamDuration = metrics.upstreamDuration(upstream);
        this.retries = metrics.upstreamRetries(upstream);
        this.connectFailures = metrics.upstreamFailure(upstream, "connect");
        this.resetFailures = metrics.upstreamFailure(upstream, "closed");
        this.timeoutFailures = metrics.upstreamFailure(upstream, "timeout");
        this.invalidResponses = metrics.upstreamFailure(upstream, "invalid_response");
        this.overloaded = metrics.upstreamFailure(upstream, "circuit_open");
    }
}
