package dev.portcullis.route;

import dev.portcullis.balance.LoadBalancer;
import dev.portcullis.upstream.Upstream;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A rule that sends requests for a host and path prefix to an upstream, through that upstream's
 * balancer.
 *
 * @param name the route's name in metrics and logs
 * @param host an exact lower-case host ({@code app.example.com}); a wildcard ({@code
 *     *.example.com}) that matches sub-domains of any depth but not {@code example.com} itself; or
 *     {@code null} for any host
 * @param pathPrefix starts with {@code /}; without a trailing {@code /} it matches whole path
 *     segments only ({@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix}), with
 *     one it matches as a plain string prefix ({@code /} matches every path)
 * @param upstream the upstream that serves the route
 * @param balancer picks the backend of {@code upstream} for each request
 */
public record Route(
        String name,
        @Nullable String host,
        String pathPrefix,
        Upstream upstream,
        LoadBalancer balancer) {

    private static final String WILDCARD_START = "*.";

    /**
     * Checks the host and path prefix.
     *
     * @throws IllegalArgumentException when the host is empty, not lower case, ends with a dot or
     *     is a malformed wildcard, or the path prefix does not start with {@code /}
     */
    public Route {
        if (host != null) {
            checkHost(name, host);
        }
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException(
                    "route "
                            + name
                            + ": path_prefix must start with '/', got '"
                            + pathPrefix
                            + "'");
        }
    }

    private static void checkHost(String name, String host) {
        String namePart = host.startsWith(WILDCARD_START) ? host.substring(2) : host;
        if (namePart.isEmpty() || namePart.indexOf('*') >= 0 || namePart.endsWith(".")) {
            throw new IllegalArgumentException(
                    "route "
                            + name
                            + ": host must be a name, or '*.' and a name, without a trailing dot,"
                            + " got '"
                            + host
                            + "'");
        }
        if (!host.equals(host.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "route " + name + ": host must be lower case, got '" + host + "'");
        }
    }

    /** Whether {@link #host} is a wildcard such as {@code *.example.com}. */
    public boolean hasWildcardHost() {
        return host != null && host.startsWith(WILDCARD_START);
    }

    /** Whether the path prefix of this route matches the path (without query). */
    public boolean matchesPath(String path) {
        return matchesPath(path, path.length());
    }

    /**
     * Whether the path prefix matches the first {@code pathLength} characters of a request target,
     * its path: so the query need not be cut off first.
     */
    public boolean matchesPath(String target, int pathLength) {
        int prefix = pathPrefix.length();
        if (prefix > pathLength || !target.startsWith(pathPrefix)) {
            return false;
        }
        return pathPrefix.endsWith("/") || pathLength == prefix || target.charAt(prefix) == '/';
    }
}
