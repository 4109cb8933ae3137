package dev.portcullis.server;

import dev.portcullis.balance.LoadBalancer;
import dev.portcullis.config.LimitsConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.filter.FilterChain;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.net.CidrSet;
import dev.portcullis.net.ClientAddressResolver;
import dev.portcullis.route.Route;
import dev.portcullis.route.RouteTable;
import dev.portcullis.upstream.Upstream;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a request reads from the running configuration, built once per configuration and
 * swapped as a whole: an exchange reads the current state once, when its head arrives, and keeps
 * using that state to its end even if a newer one is swapped in meanwhile.
 */
public final class ServingState {

    private final ProxyConfig config;
    private final RouteTable routes;
    private final FilterChain filters;
    private final CidrSet trustedProxies;
    private final ClientAddressResolver clientAddresses;
    private final IdentityHashMap<Route, RouteTarget> targets;
    private final AccessLog accessLog;
    private final Counter limitBlocked;

    private ServingState(
            ProxyConfig config,
            RouteTable routes,
            FilterChain filters,
            CidrSet trustedProxies,
            IdentityHashMap<Route, RouteTarget> targets,
            ProxyMetrics metrics) {
        this.config = config;
        this.routes = routes;
        this.filters = filters;
        this.trustedProxies = trustedProxies;
        this.clientAddresses = new ClientAddressResolver(trustedProxies);
        this.targets = targets;
        this.accessLog = new AccessLog(config.logging().accessLog());
        this.limitBlocked = metrics.blocked(MeterNames.REASON_LIMIT);
    }

    /**
     * Builds the state for a configuration.
     *
     * @param upstreams the running upstreams by name, with their backends and pools
     */
    static ServingState build(
            ProxyConfig config,
            Map<String, Upstream> upstreams,
            Map<String, LoadBalancer> balancers,
            FilterChain filters,
            ProxyMetrics metrics) {
        List<Route> routes = new ArrayList<>();
        IdentityHashMap<Route, RouteTarget> targets = new IdentityHashMap<>();
        for (RouteConfig routeConfig : config.routes()) {
            Upstream upstream = upstreams.get(routeConfig.upstream());
            var balancer = balancers.get(routeConfig.upstream());
            if (upstream == null || balancer == null) {
                throw new IllegalArgumentException(
                        "route " + routeConfig.name() + " names an unknown upstream");
            }
            Route route =
                    new Route(
                            routeConfig.name(),
                            routeConfig.host(),
                            routeConfig.pathPrefix(),
                            upstream,
                            balancer);
            routes.add(route);
            targets.put(route, new RouteTarget(route, metrics));
        }
        return new ServingState(
                config,
                RouteTable.of(routes),
                filters,
                CidrSet.of(config.clientIp().trustedProxies()),
                targets,
                metrics);
    }

    public ProxyConfig config() {
        return config;
    }

    LimitsConfig limits() {
        return config.limits();
    }

    RouteTable routes() {
        return routes;
    }

    FilterChain filters() {
        return filters;
    }

    CidrSet trustedProxies() {
        return trustedProxies;
    }

    ClientAddressResolver clientAddresses() {
        return clientAddresses;
    }

    RouteTarget target(Route route) {
        RouteTarget target = targets.get(route);
        if (target == null) {
            throw new IllegalStateException("route " + route.name() + " is not of this state");
        }
        return target;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    /** {@code portcullis_blocked_total{reason="limit"}}. */
    Counter limitBlocked() {
        return limitBlocked;
    }
}
