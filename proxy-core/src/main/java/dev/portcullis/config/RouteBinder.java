package dev.portcullis.config;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import dev.portcullis.config.validate.CrossChecks;
import dev.portcullis.config.validate.Located;
import dev.portcullis.config.validate.Problems;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Binds {@code routes}: what each matches (host and path prefix) and the upstream it sends to,
 * which must be one of the configured upstreams.
 */
final class RouteBinder {

    private RouteBinder() {}

    static List<RouteConfig> bind(
            MappingReader top, List<String> upstreamNames, Problems problems) {
        List<RouteConfig> configs = new ArrayList<>();
        List<Located<String>> names = new ArrayList<>();
        List<Located<String>> matches = new ArrayList<>();
        List<MappingReader> items =
                top.requiredItems("routes", "route", "name", "host", "path_prefix", "upstream");
        for (MappingReader item : items) {
            Located<String> name = name(item);
            String host = item.value("host", RouteValues.host());
            String pathPrefix = item.value("path_prefix", RouteValues.pathPrefix());
            String upstream = item.required("upstream", Values.text());
            boolean matchValid =
                    (host != null || !item.has("host"))
                            && (pathPrefix != null || !item.has("path_prefix"));
            String prefix = pathPrefix == null ? RouteConfig.DEFAULT_PATH_PREFIX : pathPrefix;

            if (name != null) {
                names.add(name);
            }
            if (matchValid) {
                matches.add(new Located<>(describeMatch(host, prefix), item.path(), item.line()));
            }
            // With no upstream configured, the problem is there; one per route would only repeat
            // it.
            if (upstream != null && !upstreamNames.isEmpty()) {
                CrossChecks.knownReference(
                        item.located("upstream", upstream), "upstream", upstreamNames, problems);
            }
            if (name != null && matchValid && upstream != null) {
                configs.add(new RouteConfig(name.value(), anyToNull(host), prefix, upstream));
            }
        }
        CrossChecks.uniqueNames(names, problems);
        CrossChecks.uniqueRouteMatches(matches, problems);
        return configs;
    }

    /** The route's name, {@code route-<index>} when none is written, or null when refused. */
    private static @Nullable Located<String> name(MappingReader item) {
        if (!item.has("name")) {
            return new Located<>("route-" + item.index(), item.path(), item.line());
        }
        String name = item.value("name", Values.name());
        return name == null ? null : item.located("name", name);
    }

    private static String describeMatch(@Nullable String host, String pathPrefix) {
        String shownHost = host == null ? RouteValues.ANY_HOST : host;
        return "host " + quote(shownHost) + " and path_prefix " + quote(pathPrefix);
    }

    private static @Nullable String anyToNull(@Nullable String host) {
        return RouteValues.ANY_HOST.equals(host) ? null : host;
    }
}
