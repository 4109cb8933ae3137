package dev.portcullis.config;

import org.jspecify.annotations.Nullable;

/**
 * Sends matching requests to an upstream ({@code routes[]}).
 *
 * @param name the route's name in metrics and logs; {@code route-<index>} when not given
 * @param host exact host ({@code app.example.com}), wildcard ({@code *.example.com}, which matches
 *     sub-domains only), or {@code null} for any host; lower case, without port
 * @param pathPrefix matches the path itself and everything below it ({@code /api} matches {@code
 *     /api} and {@code /api/x}, not {@code /apix}); {@code /} matches every path
 * @param upstream name of the upstream that serves the route
 */
public record RouteConfig(String name, @Nullable String host, String pathPrefix, String upstream) {

    /** The prefix of a route that does not give one: every path. */
    public static final String DEFAULT_PATH_PREFIX = "/";
}
