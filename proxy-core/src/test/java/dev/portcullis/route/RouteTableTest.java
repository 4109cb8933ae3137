package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.balance.LoadBalancers;
import dev.portcullis.config.BalancePolicy;
import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Upstream;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final Upstream UPSTREAM = TestBackends.upstream("app");

    private static Route route(String name, @Nullable String host, String pathPrefix) {
        return new Route(
                name,
                host,
                pathPrefix,
                UPSTREAM,
                LoadBalancers.create(BalancePolicy.ROUND_ROBIN, UPSTREAM.backends()));
    }

    private static @Nullable String matchedName(RouteTable table, String host, String path) {
        Route route = table.match(host, path);
        return route == null ? null : route.name();
    }

    @Test
    void match_exactHost_beatsWildcardAndAnyHost() {
        RouteTable table =
                RouteTable.of(
                        List.of(
                                route("any", null, "/"),
                                route("wildcard", "*.example.com", "/"),
                                route("exact", "app.example.com", "/")));

        assertThat(matchedName(table, "app.example.com", "/x")).isEqualTo("exact");
    }

    @Test
    void match_wildcardHost_beatsAnyHost() {
        RouteTable table =
                RouteTable.of(
                        List.of(route("any", null, "/"), route("wildcard", "*.example.com", "/")));

        assertThat(matchedName(table, "app.example.com", "/x")).isEqualTo("wildcard");
    }

    @Test
    void match_overlappingWildcards_longestSuffixWins() {
        RouteTable table =
                RouteTable.of(
                        List.of(
                                route("short", "*.example.com", "/"),
                                route("long", "*.eu.example.com", "/")));

        assertThat(matchedName(table, "app.eu.example.com", "/")).isEqualTo("long");
        assertThat(matchedName(table, "app.us.example.com", "/")).isEqualTo("short");
    }

    @Test
    void match_wildcard_matchesSubDomainsOfAnyDepth() {
        RouteTable table = RouteTable.of(List.of(route("wildcard", "*.example.com", "/")));

        assertThat(matchedName(table, "a.example.com", "/")).isEqualTo("wildcard");
        assertThat(matchedName(table, "a.b.example.com", "/")).isEqualTo("wildcard");
    }

    @Test
    void match_wildcard_missesItsOwnDomainAndLookalikes() {
        RouteTable table = RouteTable.of(List.of(route("wildcard", "*.example.com", "/")));

        assertThat(table.match("example.com", "/")).isNull();
        assertThat(table.match("badexample.com", "/")).isNull();
        assertThat(table.match("example.com.evil.net", "/")).isNull();
    }

    @Test
    void match_exactHost_missesOtherHosts() {
        RouteTable table = RouteTable.of(List.of(route("exact", "app.example.com", "/")));

        assertThat(table.match("api.example.com", "/")).isNull();
        assertThat(table.match("app.example.co", "/")).isNull();
    }

    @Test
    void match_severalPrefixesOfOneHost_longestMatchingPrefixWins() {
        RouteTable table =
                RouteTable.of(
                        List.of(
                                route("root", "app.example.com", "/"),
                                route("api", "app.example.com", "/api"),
                                route("apiV2", "app.example.com", "/api/v2")));

        assertThat(matchedName(table, "app.example.com", "/api/v2/users")).isEqualTo("apiV2");
        assertThat(matchedName(table, "app.example.com", "/api/v1/users")).isEqualTo("api");
        assertThat(matchedName(table, "app.example.com", "/apix")).isEqualTo("root");
    }

    @Test
    void match_equalPrefixesOfOneHost_firstConfiguredWins() {
        RouteTable table =
                RouteTable.of(
                        List.of(
                                route("wide", null, "/"),
                                route("first", null, "/api"),
                                route("second", null, "/api")));

        assertThat(matchedName(table, "any.host", "/api/x")).isEqualTo("first");
    }

    @Test
    void match_exactHostWithoutMatchingPrefix_fallsThroughToWildcard() {
        RouteTable table =
                RouteTable.of(
                        List.of(
                                route("exactApi", "app.example.com", "/api"),
                                route("wildcard", "*.example.com", "/")));

        assertThat(matchedName(table, "app.example.com", "/login")).isEqualTo("wildcard");
    }

    @Test
    void match_longerWildcardWithoutMatchingPrefix_fallsThroughToShorterWildcard() {
        RouteTable table =
                RouteTable.of(
                        List.of(
                                route("long", "*.eu.example.com", "/api"),
                                route("short", "*.example.com", "/")));

        assertThat(matchedName(table, "app.eu.example.com", "/login")).isEqualTo("short");
    }

    @Test
    void match_noHostSpecificPrefix_fallsThroughToAnyHost() {
        RouteTable table =
                RouteTable.of(
                        List.of(
                                route("exactApi", "app.example.com", "/api"),
                                route("wildcardApi", "*.example.com", "/api"),
                                route("any", null, "/")));

        assertThat(matchedName(table, "app.example.com", "/login")).isEqualTo("any");
    }

    @Test
    void match_nothingMatches_returnsNull() {
        RouteTable table = RouteTable.of(List.of(route("api", null, "/api")));

        assertThat(table.match("app.example.com", "/login")).isNull();
    }

    @Test
    void match_emptyTable_returnsNull() {
        RouteTable table = RouteTable.of(List.of());

        assertThat(table.match("app.example.com", "/")).isNull();
    }

    @Test
    void match_prefixWithoutSlash_respectsSegmentBoundary() {
        RouteTable table =
                RouteTable.of(List.of(route("api", null, "/api"), route("root", null, "/")));

        assertThat(matchedName(table, "h", "/api")).isEqualTo("api");
        assertThat(matchedName(table, "h", "/api/")).isEqualTo("api");
        assertThat(matchedName(table, "h", "/apix")).isEqualTo("root");
    }

    @Test
    void routes_anyMix_keepsConfigurationOrder() {
        List<Route> routes =
                List.of(
                        route("one", null, "/"),
                        route("two", "app.example.com", "/api"),
                        route("three", "*.example.com", "/"));

        RouteTable table = RouteTable.of(routes);

        assertThat(table.routes()).containsExactlyElementsOf(routes);
    }
}
