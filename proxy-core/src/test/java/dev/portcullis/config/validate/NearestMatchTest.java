package dev.portcullis.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearestMatchTest {

    private static final List<String> LIMIT_KEYS =
            List.of("max_connections", "max_connections_per_ip", "max_headers", "idle_timeout");

    @ParameterizedTest
    @CsvSource({
        "max_conections, max_connections",
        "max_connectoins, max_connections",
        "MAX_CONNECTIONS, max_connections",
        "maxConnections, max_connections",
        "max_header, max_headers",
        "idle_timout, idle_timeout",
        "max_connections_per_host, max_connections_per_ip"
    })
    void nearest_smallMistake_suggestsTheKnownKey(String typed, String expected) {
        assertThat(NearestMatch.nearest(typed, LIMIT_KEYS)).contains(expected);
    }

    @Test
    void nearest_nothingClose_suggestsNothing() {
        assertThat(NearestMatch.nearest("compression", LIMIT_KEYS)).isEmpty();
    }

    @Test
    void nearest_shortKey_allowsTwoEdits() {
        assertThat(NearestMatch.nearest("ul", List.of("url", "weight"))).contains("url");
    }

    @Test
    void rankedByDistance_ordersNearestFirstThenAlphabetically() {
        List<String> ranked = NearestMatch.rankedByDistance("ap", List.of("web", "api", "app"));

        assertThat(ranked).containsExactly("api", "app", "web");
    }

    @Test
    void distance_swapOfNeighbours_countsOne() {
        assertThat(NearestMatch.distance("ab", "ba")).isEqualTo(1);
    }

    @Test
    void distance_hugeInput_countsAsWhollyDifferent() {
        String huge = "a".repeat(10_000);

        assertThat(NearestMatch.distance(huge, "a")).isEqualTo(10_000);
    }
}
