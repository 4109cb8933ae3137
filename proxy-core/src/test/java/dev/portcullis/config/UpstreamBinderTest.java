package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.LISTENERS;
import static dev.portcullis.config.ConfigTesting.ROUTES;
import static dev.portcullis.config.ConfigTesting.problems;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
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
                    tls:
                      ca_file: /etc/tls/backend-ca.crt
                    health_check:
                      type: tcp
                    outlier:
                      consecutive_failures: 7
                    circuit_breaker:
                      max_connections: 64
                      max_pending: 0
                    retry_budget:
                      percent: 0
                      min_per_second: 10
                    dns_refresh: 0s
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
                                new PoolConfig(0, Duration.ofSeconds(5)),
                                new BackendTlsConfig(Path.of("/etc/tls/backend-ca.crt"), false),
                                withKind(HealthCheckKind.TCP),
                                new OutlierConfig(
                                        7, 0, Duration.ofSeconds(30), Duration.ofMinutes(5), 50),
                                new CircuitBreakerConfig(64, 0),
                                new RetryBudgetConfig(0, 10),
                                Duration.ZERO));
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
        assertThat(upstream.tls()).isEqualTo(BackendTlsConfig.verifyWithDefaultTrust());
        assertThat(upstream.healthCheck()).isNull();
        assertThat(upstream.outlier()).isEqualTo(OutlierConfig.defaults());
        assertThat(upstream.circuitBreaker()).isEqualTo(CircuitBreakerConfig.defaults());
        assertThat(upstream.retryBudget()).isEqualTo(RetryBudgetConfig.defaults());
        assertThat(upstream.dnsRefresh()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void defaults_areTheDocumentedValues() {
        assertThat(UpstreamTimeouts.defaults())
                .isEqualTo(
                        new UpstreamTimeouts(
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(60)));
        assertThat(PoolConfig.defaults()).isEqualTo(new PoolConfig(256, Duration.ofSeconds(15)));
        assertThat(BackendTlsConfig.verifyWithDefaultTrust())
                .isEqualTo(new BackendTlsConfig(null, false));
        assertThat(CircuitBreakerConfig.defaults()).isEqualTo(new CircuitBreakerConfig(1024, 1024));
        assertThat(RetryBudgetConfig.defaults()).isEqualTo(new RetryBudgetConfig(20, 3));
        assertThat(UpstreamConfig.DEFAULT_DNS_REFRESH).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void bind_emptySections_takeTheirDefaults() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: http://10.0.0.1:3000
                    tls:
                    outlier: {}
                    circuit_breaker:
                    retry_budget: ~
                """;

        UpstreamConfig upstream = valid(LISTENERS + yaml + ROUTES).upstreams().get(0);

        assertThat(upstream.tls()).isEqualTo(BackendTlsConfig.verifyWithDefaultTrust());
        assertThat(upstream.outlier()).isEqualTo(OutlierConfig.defaults());
        assertThat(upstream.circuitBreaker()).isEqualTo(CircuitBreakerConfig.defaults());
        assertThat(upstream.retryBudget()).isEqualTo(RetryBudgetConfig.defaults());
    }

    @Test
    void bind_insecureSkipVerify_isBound() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: https://10.0.0.1
                    tls:
                      insecure_skip_verify: true
                """;

        assertThat(valid(LISTENERS + yaml + ROUTES).upstreams().get(0).tls())
                .isEqualTo(new BackendTlsConfig(null, true));
    }

    @Test
    void bind_insecureSkipVerifyWithCaFile_isAProblemAtTheSwitch() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: https://10.0.0.1
                    tls:
                      ca_file: /etc/tls/backend-ca.crt
                      insecure_skip_verify: true
                """;

        assertThat(problems(LISTENERS + yaml + ROUTES))
                .containsExactly(
                        "upstreams[0].tls.insecure_skip_verify (line 10): not together with ca_file"
                            + " at upstreams[0].tls.ca_file (line 9): nothing is verified against"
                            + " the CA when verification is off");
    }

    @Test
    void bind_dnsRefreshAtItsBounds_isAccepted() {
        String yaml =
                """
                upstreams:
                  - name: app
                    backends:
                      - url: http://app.internal:3000
                    dns_refresh: 1d
                  - name: other
                    backends:
                      - url: http://other.internal:3000
                    dns_refresh: 1s
                """;

        List<UpstreamConfig> upstreams = valid(LISTENERS + yaml + ROUTES).upstreams();

        assertThat(upstreams)
                .extracting(UpstreamConfig::dnsRefresh)
                .containsExactly(Duration.ofDays(1), Duration.ofSeconds(1));
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
                        + " did you mean idle_timeout?",
                "tls: {insecure_skip_verify: yes} | upstreams[0].tls.insecure_skip_verify (line"
                        + " 3): must be true or false: \"yes\"",
                "tls: {cafile: x.crt} | upstreams[0].tls.cafile (line 3): unknown key; did you"
                        + " mean ca_file?",
                "circuit_breaker: {max_connections: 0} |"
                    + " upstreams[0].circuit_breaker.max_connections (line 3): must be from 1 to"
                    + " 1000000: \"0\"",
                "circuit_breaker: {max_connections: 1000001} |"
                    + " upstreams[0].circuit_breaker.max_connections (line 3): must be from 1 to"
                    + " 1000000: \"1000001\"",
                "circuit_breaker: {max_pending: -1} | upstreams[0].circuit_breaker.max_pending"
                        + " (line 3): must be from 0 to 1000000: \"-1\"",
                "circuit_breaker: {max_pending: 1000001} | upstreams[0].circuit_breaker.max_pending"
                        + " (line 3): must be from 0 to 1000000: \"1000001\"",
                "retry_budget: {percent: 101} | upstreams[0].retry_budget.percent (line 3): must be"
                        + " from 0 to 100: \"101\"",
                "retry_budget: {percent: 20%} | upstreams[0].retry_budget.percent (line 3): not a"
                        + " whole number: \"20%\"",
                "retry_budget: {min_per_second: 10001} | upstreams[0].retry_budget.min_per_second"
                        + " (line 3): must be from 0 to 10000: \"10001\"",
                "dns_refresh: 500ms | upstreams[0].dns_refresh (line 3): must be 0s (never) or"
                        + " from 1s to 1d: \"500ms\"",
                "dns_refresh: 2d | upstreams[0].dns_refresh (line 3): must be 0s (never) or from"
                        + " 1s to 1d: \"2d\"",
                "dns_refreh: 10s | upstreams[0].dns_refreh (line 3): unknown key; did you mean"
                        + " dns_refresh?"
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

    private static HealthCheckConfig withKind(HealthCheckKind kind) {
        HealthCheckConfig d = HealthCheckConfig.defaults();
        return new HealthCheckConfig(
                kind,
                d.path(),
                d.interval(),
                d.jitter(),
                d.timeout(),
                d.expectedStatusFrom(),
                d.expectedStatusTo(),
                d.healthy(),
                d.unhealthy(),
                d.checkBeforeTraffic(),
                d.hostHeader());
    }
}
