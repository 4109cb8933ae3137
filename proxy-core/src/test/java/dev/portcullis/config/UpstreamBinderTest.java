package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.LISTENERS;
import static dev.portcullis.config.ConfigTesting.ROUTES;
import static dev.portcullis.config.ConfigTesting.problems;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamBinderTest {

    @Test
    void bind_everyKey_bindsTheUpstream() {
        String yaml =
                """
                upstreams:
                  - name: app
                    balance: least_connections
                    backends:
                      - url: http://10.0.0.1:3000
                        weight: 3
                      - url: https://10.0.0.2
                    retries: 0
                    timeouts:
                      connect: 250ms
                      response_header: 2m
                      idle: 90s
                    pool:
                      max_idle_per_loop: 0
                      idle_timeout: 5s
                """;

        UpstreamConfig upstream = valid(LISTENERS + yaml + ROUTES).upstreams().get(0);

        assertThat(upstream)
                .isEqualTo(
                        new UpstreamConfig(
                                "app",
                                BalancePolicy.LEAST_CONNECTIONS,
                                List.of(
                                        new BackendConfig(URI.create("http://10.0.0.1:3000"), 3),
                                        new BackendConfig(URI.create("https://10.0.0.2"), 1)),
                                0,
                                new UpstreamTimeouts(
                                        Duration.ofMillis(250),
                                        Duration.ofMinutes(2),
                                        Duration.ofSeconds(90)),
                                new PoolConfig(0, Duration.ofSeconds(5))));
        assertThat(upstream.backends().get(1).authority()).isEqualTo("10.0.0.2:443");
    }

    @Test
    void bind_onlyNameAndBackend_takesEveryDefault() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: http://10.0.0.1:3000
                """;

        UpstreamConfig upstream = valid(LISTENERS + yaml + ROUTES).upstreams().get(0);

        assertThat(upstream.balance()).isEqualTo(BalancePolicy.ROUND_ROBIN);
        assertThat(upstream.retries()).isEqualTo(1);
        assertThat(upstream.backends().get(0).weight()).isEqualTo(1);
        assertThat(upstream.timeouts()).isEqualTo(UpstreamTimeouts.defaults());
        assertThat(upstream.pool()).isEqualTo(PoolConfig.defaults());
    }

    @Test
    void defaults_areTheDocumentedValues() {
        assertThat(UpstreamTimeouts.defaults())
                .isEqualTo(
                        new UpstreamTimeouts(
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(60)));
        assertThat(PoolConfig.defaults()).isEqualTo(new PoolConfig(32, Duration.ofSeconds(15)));
    }

    @Test
    void bind_noUpstreamsKey_isAProblemWithoutALine() {
        assertThat(problems(LISTENERS + "routes:\n  - upstream: app\n"))
                .containsExactly("upstreams: required key is missing");
    }

    @Test
    void bind_upstreamWithoutBackends_isAProblem() {
        String yaml =
                """
                upstreams:
                  - name: app
                """;

        assertThat(problems(yaml + LISTENERS + ROUTES))
                .containsExactly("upstreams[0].backends (line 2): required key is missing");
    }

    @Test
    void bind_emptyBackends_needsAtLeastOne() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends: []
                """;

        assertThat(problems(yaml + LISTENERS + ROUTES))
                .containsExactly("upstreams[0].backends (line 3): needs at least one backend");
    }

    @Test
    void bind_backendWithoutUrl_isAProblem() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - weight: 2
                """;

        assertThat(problems(yaml + LISTENERS + ROUTES))
                .containsExactly("upstreams[0].backends[0].url (line 4): required key is missing");
    }

    @Test
    void bind_badBackendUrl_isAProblemAtTheUrl() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: http://10.0.0.1:3000
                      - url: ftp://x
                """;

        assertThat(problems(yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].backends[1].url (line 5): not an http or https URL:"
                                + " \"ftp://x\"");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "balance: roundrobin | upstreams[0].balance (line 3): must be one of round_robin,"
                        + " least_connections, p2c: \"roundrobin\"; did you mean round_robin?",
                "retries: 6 | upstreams[0].retries (line 3): must be from 0 to 5: \"6\"",
                "retries: -1 | upstreams[0].retries (line 3): must be from 0 to 5: \"-1\"",
                "timeouts: {connect: 5ms} | upstreams[0].timeouts.connect (line 3): must be from"
                        + " 10ms to 5m: \"5ms\"",
                "timeouts: {connect: 6m} | upstreams[0].timeouts.connect (line 3): must be from"
                        + " 10ms to 5m: \"6m\"",
                "timeouts: {response_header: 50ms} | upstreams[0].timeouts.response_header (line"
                        + " 3): must be from 100ms to 1h: \"50ms\"",
                "timeouts: {idle: 500ms} | upstreams[0].timeouts.idle (line 3): must be from 1s to"
                        + " 1h: \"500ms\"",
                "timeouts: {idle: 61m} | upstreams[0].timeouts.idle (line 3): must be from 1s to"
                        + " 1h: \"61m\"",
                "pool: {max_idle_per_loop: 10001} | upstreams[0].pool.max_idle_per_loop (line 3):"
                        + " must be from 0 to 10000: \"10001\"",
                "pool: {idle_timeout: 50ms} | upstreams[0].pool.idle_timeout (line 3): must be"
                        + " from 100ms to 1h: \"50ms\"",
                "pool: {idle_timout: 5s} | upstreams[0].pool.idle_timout (line 3): unknown key;"
                        + " did you mean idle_timeout?"
            })
    void bind_settingOutOfItsRule_isAProblemAtItsPathAndLine(String setting, String problem) {
        String yaml =
                """
                upstreams:
                  - name: app
                    %s
                    backends:
                      - url: http://10.0.0.1:3000
                """
                        .formatted(setting);

        assertThat(problems(yaml + LISTENERS + ROUTES)).containsExactly(problem);
    }

    @Test
    void bind_weightOutOfRange_isAProblemAtTheWeight() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: http://10.0.0.1:3000
                        weight: 1001
                """;

        assertThat(problems(yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].backends[0].weight (line 5): must be from 1 to 1000:"
                                + " \"1001\"");
    }

    @Test
    void bind_duplicateUpstreamName_isAProblemAtTheSecond() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: http://10.0.0.1:3000
                  - name: app
                    backends:
                      - url: http://10.0.0.2:3000
                """;

        assertThat(problems(yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[1].name (line 5): duplicate name \"app\"; already used at"
                                + " upstreams[0].name (line 2)");
    }

    @Test
    void bind_sameHostAndPortTwice_isADuplicateBackend() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: http://App:80
                      - url: https://10.0.0.1:3000
                      - url: http://app/
                """;

        assertThat(problems(yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].backends[2].url (line 6): duplicate backend \"app:80\";"
                                + " already listed at upstreams[0].backends[0].url (line 4)");
    }

    @Test
    void bind_sameBackendInTwoUpstreams_isValid() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: http://10.0.0.1:3000
                  - name: other
                    backends:
                      - url: http://10.0.0.1:3000
                """;

        assertThat(valid(yaml + LISTENERS + ROUTES).upstreams()).hasSize(2);
    }
}
