package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.LISTENERS;
import static dev.portcullis.config.ConfigTesting.problems;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteBinderTest {

    /** Two upstreams, {@code app} and {@code api}, 7 lines. */
    private static final String UPSTREAMS =
            """
            upstreams:
              - name: app
                backends:
                  - url: http://127.0.0.1:3000
              - name: api
                backends:
                  - url: http://127.0.0.1:4000
            """;

    @Test
    void bind_routeWithOnlyUpstream_takesTheDefaults() {
        RouteConfig route =
                valid("routes:\n  - upstream: app\n" + LISTENERS + UPSTREAMS).routes().get(0);

        assertThat(route).isEqualTo(new RouteConfig("route-0", null, "/", "app"));
    }

    @Test
    void bind_everyKey_bindsTheRoute() {
        String yaml =
                """
                routes:
                  - name: api
                    host: API.Example.com
                    path_prefix: /v1
                    upstream: api
                """;

        assertThat(valid(yaml + LISTENERS + UPSTREAMS).routes())
                .containsExactly(new RouteConfig("api", "api.example.com", "/v1", "api"));
    }

    @Test
    void bind_defaultNames_countTheRoutesFromZero() {
        String yaml =
                """
                routes:
                  - path_prefix: /a
                    upstream: app
                  - path_prefix: /b
                    upstream: app
                """;

        assertThat(valid(yaml + LISTENERS + UPSTREAMS).routes())
                .extracting(RouteConfig::name)
                .containsExactly("route-0", "route-1");
    }

    @Test
    void bind_starHost_isStoredAsAnyHost() {
        String yaml = "routes:\n  - host: \"*\"\n    upstream: app\n";

        assertThat(valid(yaml + LISTENERS + UPSTREAMS).routes().get(0).host()).isNull();
    }

    @Test
    void bind_wildcardHost_isKept() {
        String yaml = "routes:\n  - host: \"*.Example.com\"\n    upstream: app\n";

        assertThat(valid(yaml + LISTENERS + UPSTREAMS).routes().get(0).host())
                .isEqualTo("*.example.com");
    }

    @Test
    void bind_hostWithPort_isAProblemAtTheHost() {
        String yaml =
                """
                routes:
                  - host: app.example.com:8443
                    upstream: app
                """;

        assertThat(problems(yaml + LISTENERS + UPSTREAMS))
                .containsExactly(
                        "routes[0].host (line 2): a route host must not include a port:"
                                + " \"app.example.com:8443\"");
    }

    @Test
    void bind_pathPrefixWithoutSlash_isAProblemAtThePrefix() {
        String yaml =
                """
                routes:
                  - path_prefix: api
                    upstream: app
                """;

        assertThat(problems(yaml + LISTENERS + UPSTREAMS))
                .containsExactly(
                        "routes[0].path_prefix (line 2): a path prefix must start with \"/\":"
                                + " \"api\"");
    }

    @Test
    void bind_pathPrefixWithQuery_isAProblemAtThePrefix() {
        String yaml =
                """
                routes:
                  - path_prefix: /search?q=1
                    upstream: app
                """;

        assertThat(problems(yaml + LISTENERS + UPSTREAMS))
                .containsExactly(
                        "routes[0].path_prefix (line 2): a path prefix must not contain '?', '#',"
                                + " spaces, control or non-ASCII characters: \"/search?q=1\"");
    }

    @Test
    void bind_unknownUpstream_listsTheKnownOnesNearestFirst() {
        assertThat(problems("routes:\n  - upstream: ap\n" + LISTENERS + UPSTREAMS))
                .containsExactly(
                        "routes[0].upstream (line 2): unknown upstream \"ap\"; known upstreams:"
                                + " api, app");
    }

    @Test
    void bind_noUpstreamKey_isAProblem() {
        assertThat(problems("routes:\n  - path_prefix: /\n" + LISTENERS + UPSTREAMS))
                .containsExactly("routes[0].upstream (line 2): required key is missing");
    }

    @Test
    void bind_noRoutesKey_isAProblemWithoutALine() {
        assertThat(problems(LISTENERS + UPSTREAMS))
                .containsExactly("routes: required key is missing");
    }

    @Test
    void bind_upstreamWithOtherProblems_isStillAKnownName() {
        String yaml =
                """
                routes:
                  - upstream: app
                upstreams:
                  - name: app
                    retries: 9
                    backends:
                      - url: http://127.0.0.1:3000
                """;

        assertThat(problems(yaml + LISTENERS))
                .containsExactly("upstreams[0].retries (line 5): must be from 0 to 5: \"9\"");
    }

    @Test
    void bind_duplicateName_isAProblemAtTheSecond() {
        String yaml =
                """
                routes:
                  - name: web
                    path_prefix: /a
                    upstream: app
                  - name: web
                    path_prefix: /b
                    upstream: app
                """;

        assertThat(problems(yaml + LISTENERS + UPSTREAMS))
                .containsExactly(
                        "routes[1].name (line 5): duplicate name \"web\"; already used at"
                                + " routes[0].name (line 2)");
    }

    @Test
    void bind_nameEqualToAnotherRoutesDefault_isADuplicate() {
        String yaml =
                """
                routes:
                  - path_prefix: /a
                    upstream: app
                  - name: route-0
                    path_prefix: /b
                    upstream: app
                """;

        assertThat(problems(yaml + LISTENERS + UPSTREAMS))
                .containsExactly(
                        "routes[1].name (line 4): duplicate name \"route-0\"; already used at"
                                + " routes[0] (line 2)");
    }

    @Test
    void bind_sameHostAndPrefix_isAProblemAtTheSecondRoute() {
        String yaml =
                """
                routes:
                  - host: app.example.com
                    upstream: app
                  - host: APP.example.com
                    path_prefix: /
                    upstream: api
                """;

        assertThat(problems(yaml + LISTENERS + UPSTREAMS))
                .containsExactly(
                        "routes[1] (line 4): same host \"app.example.com\" and path_prefix \"/\""
                                + " as routes[0] (line 2); this route could never be chosen");
    }

    @Test
    void bind_starAndNoHost_areTheSameMatch() {
        String yaml =
                """
                routes:
                  - upstream: app
                  - host: "*"
                    upstream: api
                """;

        assertThat(problems(yaml + LISTENERS + UPSTREAMS))
                .containsExactly(
                        "routes[1] (line 3): same host \"*\" and path_prefix \"/\" as routes[0]"
                                + " (line 2); this route could never be chosen");
    }

    @Test
    void bind_sameHostDifferentPrefixes_isValid() {
        String yaml =
                """
                routes:
                  - path_prefix: /api
                    upstream: api
                  - path_prefix: /
                    upstream: app
                """;

        assertThat(valid(yaml + LISTENERS + UPSTREAMS).routes()).hasSize(2);
    }
}
