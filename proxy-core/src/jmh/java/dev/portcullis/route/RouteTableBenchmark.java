package dev.portcullis.route;

import dev.portcullis.balance.LoadBalancer;
import dev.portcullis.balance.LoadBalancers;
import dev.portcullis.config.BalancePolicy;
import dev.portcullis.testing.BenchmarkUpstreams;
import dev.portcullis.upstream.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route matching over a table of 20 routes: 12 for exact hosts, 5 for wildcard hosts, 3 for any
 * host. Each benchmark hits one level of the search (or none).
 *
 * <p>The host and path strings are the same instances on every call, so their hash codes are
 * cached; in the proxy the host is a new string per request and its hash is computed once, in the
 * first lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteTableBenchmark {

    private RouteTable table;

    private String exactHost;
    private String exactPath;
    private String wildcardHost;
    private String wildcardPath;
    private String anyHost;
    private String anyHostPath;
    private String missPath;

    @Setup
    public void setUp() {
        Upstream upstream = BenchmarkUpstreams.of("app", 2, BalancePolicy.ROUND_ROBIN);
        LoadBalancer balancer =
                LoadBalancers.create(BalancePolicy.ROUND_ROBIN, upstream.backends());
        List<Route> routes = new ArrayList<>();
        String[] exactHosts = {"app.example.com", "shop.example.com", "admin.example.com"};
        String[] prefixes = {"/", "/api", "/api/v2", "/static/"};
        for (String host : exactHosts) {
            for (String prefix : prefixes) {
                routes.add(route(host + prefix, host, prefix, upstream, balancer));
            }
        }
        routes.add(route("w1", "*.example.com", "/", upstream, balancer));
        routes.add(route("w2", "*.cdn.example.net", "/assets/", upstream, balancer));
        routes.add(route("w3", "*.cdn.example.net", "/img", upstream, balancer));
        routes.add(route("w4", "*.internal.example.org", "/", upstream, balancer));
        routes.add(route("w5", "*.eu.internal.example.org", "/metrics", upstream, balancer));
        routes.add(route("a1", null, "/health", upstream, balancer));
        routes.add(route("a2", null, "/.well-known/", upstream, balancer));
        routes.add(route("a3", null, "/status", upstream, balancer));
        table = RouteTable.of(routes);

        exactHost = "shop.example.com";
        exactPath = "/api/v2/orders/1234";
        wildcardHost = "img.cdn.example.net";
        wildcardPath = "/assets/css/site.css";
        anyHost = "unknown.example.test";
        anyHostPath = "/.well-known/acme-challenge/token";
        missPath = "/nothing/here";
    }

    private static Route route(
            String name,
            @Nullable String host,
            String prefix,
            Upstream upstream,
            LoadBalancer balancer) {
        return new Route(name, host, prefix, upstream, balancer);
    }

    /** The request's host has routes of its own, and the longest of them matches. */
    @Benchmark
    public @Nullable Route exactHostHit() {
        return table.match(exactHost, exactPath);
    }

    /** No exact host; the longer of two wildcard suffixes matches. */
    @Benchmark
    public @Nullable Route wildcardHostHit() {
        return table.match(wildcardHost, wildcardPath);
    }

    /** Neither exact nor wildcard hosts; an any-host route matches. */
    @Benchmark
    public @Nullable Route anyHostHit() {
        return table.match(anyHost, anyHostPath);
    }

    /** Nothing matches at any level. */
    @Benchmark
    public @Nullable Route miss() {
        return table.match(anyHost, missPath);
    }
}
