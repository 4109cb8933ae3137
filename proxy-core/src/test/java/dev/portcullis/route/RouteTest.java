package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.portcullis.balance.LoadBalancers;
import dev.portcullis.config.BalancePolicy;
import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Upstream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTest {

    private static Route route(@Nullable String host, String pathPrefix) {
        Upstream upstream = TestBackends.upstream("app");
        return new Route(
                "r",
                host,
                pathPrefix,
                upstream,
                LoadBalancers.create(BalancePolicy.ROUND_ROBIN, upstream.backends()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api", "/api/", "/api/x", "/api/x/y"})
    void matchesPath_prefixWithoutSlash_matchesWholeSegments(String path) {
        assertThat(route(null, "/api").matchesPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/apix", "/ap", "/", "/other/api", "/API"})
    void matchesPath_prefixWithoutSlash_missesOtherSegments(String path) {
        assertThat(route(null, "/api").matchesPath(path)).isFalse();
    }

    @Test
    void matchesPath_prefixEndingInSlash_matchesAsPlainPrefix() {
        Route route = route(null, "/static/");

        assertThat(route.matchesPath("/static/app.js")).isTrue();
        assertThat(route.matchesPath("/static/")).isTrue();
        assertThat(route.matchesPath("/static")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/x", "/api/deep/path"})
    void matchesPath_rootPrefix_matchesEveryPath(String path) {
        assertThat(route(null, "/").matchesPath(path)).isTrue();
    }

    @Test
    void hasWildcardHost_wildcardExactAndAny_tellsThemApart() {
        assertThat(route("*.example.com", "/").hasWildcardHost()).isTrue();
        assertThat(route("example.com", "/").hasWildcardHost()).isFalse();
        assertThat(route(null, "/").hasWildcardHost()).isFalse();
    }

    @Test
    void create_pathPrefixWithoutLeadingSlash_isRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> route(null, "api"))
                .withMessageContaining("path_prefix")
                .withMessageContaining("'api'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*.", "*", "a.*.com", "**.example.com", "example.com."})
    void create_malformedHost_isRejected(String host) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> route(host, "/"))
                .withMessageContaining("host")
                .withMessageContaining("'" + host + "'");
    }

    @Test
    void create_upperCaseHost_isRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> route("App.example.com", "/"))
                .withMessageContaining("lower case");
    }
}
