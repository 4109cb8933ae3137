package dev.portcullis.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the route of a request by host and path. Immutable and safe to share between threads; a
 * match allocates nothing.
 *
 * <p>The most specific route wins:
 *
 * <ol>
 *   <li>routes for exactly the request's host, found through a hash map;
 *   <li>wildcard routes whose suffix the host ends with, longest suffix first;
 *   <li>routes for any host.
 * </ol>
 *
 * Within one host the longest matching path prefix wins, and among equal prefixes the route
 * configured first. When no prefix of a host matches the path, the search falls through to the
 * next, less specific hosts.
 */
public final class RouteTable {

    private static final Comparator<Route> LONGEST_PREFIX_FIRST =
            Comparator.comparingInt((Route route) -> route.pathPrefix().length()).reversed();

    private final List<Route> routes;
    private final Map<String, Route[]> exactHosts;
    private final WildcardHost[] wildcardHosts;
    private final Route[] anyHost;

    private RouteTable(
            List<Route> routes,
            Map<String, Route[]> exactHosts,
            WildcardHost[] wildcardHosts,
            Route[] anyHost) {
        this.routes = routes;
        this.exactHosts = exactHosts;
        this.wildcardHosts = wildcardHosts;
        this.anyHost = anyHost;
    }

    /** Builds the table of the routes, given in configuration order. */
    public static RouteTable of(List<Route> routes) {
        Map<String, List<Route>> exact = new LinkedHashMap<>();
        Map<String, List<Route>> wildcard = new LinkedHashMap<>();
        List<Route> any = new ArrayList<>();
        for (Route route : routes) {
            String host = route.host();
            if (host == null) {
                any.add(route);
            } else if (route.hasWildcardHost()) {
                // "*.example.com" is kept as ".example.com", the suffix a sub-domain ends with.
                wildcard.computeIfAbsent(host.substring(1), suffix -> new ArrayList<>()).add(route);
            } else {
                exact.computeIfAbsent(host, name -> new ArrayList<>()).add(route);
            }
        }

        Map<String, Route[]> exactHosts = new HashMap<>();
        exact.forEach((host, hostRoutes) -> exactHosts.put(host, byLongestPrefix(hostRoutes)));
        List<WildcardHost> wildcardHosts = new ArrayList<>();
        wildcard.forEach(
                (suffix, hostRoutes) ->
                        wildcardHosts.add(new WildcardHost(suffix, byLongestPrefix(hostRoutes))));
        wildcardHosts.sort(
                Comparator.comparingInt((WildcardHost host) -> host.suffix.length()).reversed());
        return new RouteTable(
                List.copyOf(routes),
                Map.copyOf(exactHosts),
                wildcardHosts.toArray(new WildcardHost[0]),
                byLongestPrefix(any));
    }

    /** Sorts by prefix length, longest first; the sort is stable, so ties keep config order. */
    private static Route[] byLongestPrefix(List<Route> routes) {
        Route[] sorted = routes.toArray(new Route[0]);
        Arrays.sort(sorted, LONGEST_PREFIX_FIRST);
        return sorted;
    }

    /**
     * Returns the route for a request, or {@code null} when none matches.
     *
     * @param host the request's host, lower case, without port or trailing dot
     * @param path the request's path, without query
     */
    public @Nullable Route match(String host, String path) {
        return match(host, path, path.length());
    }

    /**
     * As {@link #match(String, String)}, for a request target whose first {@code pathLength}
     * characters are the path, so that the query need not be cut off first.
     */
    public @Nullable Route match(String host, String target, int pathLength) {
        Route[] exact = exactHosts.get(host);
        if (exact != null) {
            Route route = firstMatchingPath(exact, target, pathLength);
            if (route != null) {
                return route;
            }
        }
        for (WildcardHost wildcard : wildcardHosts) {
            if (wildcard.matches(host)) {
                Route route = firstMatchingPath(wildcard.routes, target, pathLength);
                if (route != null) {
                    return route;
                }
            }
        }
        return firstMatchingPath(anyHost, target, pathLength);
    }

    private static @Nullable Route firstMatchingPath(
            Route[] routes, String target, int pathLength) {
        for (Route route : routes) {
            if (route.matchesPath(target, pathLength)) {
                return route;
            }
        }
        return null;
    }

    /** The routes in configuration order. */
    public List<Route> routes() {
        return routes;
    }

    /** The routes of one wildcard host, longest path prefix first. */
    private static final class WildcardHost {

        /** The host without its {@code *}, such as {@code .example.com}. */
        private final String suffix;

        private final Route[] routes;

        WildcardHost(String suffix, Route[] routes) {
            this.suffix = suffix;
            this.routes = routes;
        }

        /** Whether the host is a sub-domain, of any depth, of the wildcard's domain. */
        boolean matches(String host) {
            return host.length() > suffix.length() && host.endsWith(suffix);
        }
    }
}
