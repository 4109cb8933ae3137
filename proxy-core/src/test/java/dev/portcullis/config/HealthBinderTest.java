package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.LISTENERS;
import static dev.portcullis.config.ConfigTesting.ROUTES;
import static dev.portcullis.config.ConfigTesting.problems;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HealthBinderTest {

    /** One upstream with one backend, 4 lines; a section added after it starts on line 5. */
    private static final String UPSTREAM =
            """
            upstreams:
              - name: app
                backends:
                  - url: http://10.0.0.1:3000
            """;

    @Test
    void healthCheck_everyKey_bindsEachValue() {
        String yaml =
                """
                    health_check:
                      type: http
                      path: /healthz?full=1
                      interval: 10s
                      jitter: 25%
                      timeout: 500ms
                      expected_status: 204
                      healthy: 1
                      unhealthy: 5
                      check_before_traffic: false
                      host: app.internal:8080
                """;

        assertThat(healthCheck(yaml))
                .isEqualTo(
                        new HealthCheckConfig(
                                HealthCheckKind.HTTP,
                                "/healthz?full=1",
                                Duration.ofSeconds(10),
                                0.25,
                                Duration.ofMillis(500),
                                204,
                                204,
                                1,
                                5,
                                false,
                                "app.internal:8080"));
    }

    @Test
    void healthCheck_absent_isNoActiveChecks() {
        assertThat(valid(UPSTREAM + LISTENERS + ROUTES).upstreams().get(0).healthCheck()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"    health_check:\n", "    health_check: {}\n"})
    void healthCheck_writtenEmpty_checksWithEveryDefault(String yaml) {
        assertThat(healthCheck(yaml)).isEqualTo(HealthCheckConfig.defaults());
    }

    @Test
    void healthCheck_statusRange_bindsBothEnds() {
        HealthCheckConfig check = healthCheck("    health_check: {expected_status: 200-299}\n");

        assertThat(check.expectedStatusFrom()).isEqualTo(200);
        assertThat(check.expectedStatusTo()).isEqualTo(299);
    }

    @Test
    void healthCheck_tcp_keepsTheHttpDefaults() {
        HealthCheckConfig check = healthCheck("    health_check: {type: tcp}\n");

        assertThat(check.kind()).isEqualTo(HealthCheckKind.TCP);
        assertThat(check.path()).isEqualTo("/");
        assertThat(check.hostHeader()).isNull();
    }

    @Test
    void healthCheck_zeroAndFullJitter_areAccepted() {
        assertThat(healthCheck("    health_check: {jitter: 0%}\n").jitter()).isZero();
        assertThat(healthCheck("    health_check: {jitter: 100%}\n").jitter()).isEqualTo(1.0);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "type: grpc | type (line 6): must be one of http, tcp: \"grpc\"",
                "path: healthz | path (line 6): a health check path must start with \"/\":"
                        + " \"healthz\"",
                "path: \"/a b\" | path (line 6): a health check path must not contain spaces,"
                        + " control or non-ASCII characters: \"/a b\"",
                "interval: 99ms | interval (line 6): must be from 100ms to 1h: \"99ms\"",
                "interval: 61m | interval (line 6): must be from 100ms to 1h: \"61m\"",
                "jitter: 10 | jitter (line 6): a percentage needs a % sign, e.g. 10%: \"10\"",
                "jitter: 0.1 | jitter (line 6): not a percentage (a whole number followed by %,"
                        + " e.g. 10%): \"0.1\"",
                "jitter: 101% | jitter (line 6): must be from 0% to 100%: \"101%\"",
                "timeout: 9ms | timeout (line 6): must be from 10ms to 1m: \"9ms\"",
                "timeout: 2m | timeout (line 6): must be from 10ms to 1m: \"2m\"",
                "expected_status: 200-99 | expected_status (line 6): not a status or a range of"
                        + " statuses (e.g. 200-399 or 204): \"200-99\"",
                "expected_status: 2xx | expected_status (line 6): not a status or a range of"
                        + " statuses (e.g. 200-399 or 204): \"2xx\"",
                "expected_status: 099-200 | expected_status (line 6): statuses must be from 100 to"
                        + " 599: \"099-200\"",
                "expected_status: 200-600 | expected_status (line 6): statuses must be from 100 to"
                        + " 599: \"200-600\"",
                "expected_status: 399-200 | expected_status (line 6): a status range must not end"
                        + " below its start: \"399-200\"",
                "healthy: 0 | healthy (line 6): must be from 1 to 100: \"0\"",
                "healthy: 101 | healthy (line 6): must be from 1 to 100: \"101\"",
                "unhealthy: 0 | unhealthy (line 6): must be from 1 to 100: \"0\"",
                "unhealthy: 101 | unhealthy (line 6): must be from 1 to 100: \"101\"",
                "check_before_traffic: no | check_before_traffic (line 6): must be true or false:"
                        + " \"no\"",
                "host: \"a b\" | host (line 6): a Host header must be a host name or address with"
                        + " an optional port (letters, digits, '.', '-', '_', ':' and brackets):"
                        + " \"a b\"",
                "host_header: x | host_header (line 6): unknown key; expected one of type, path,"
                        + " interval, jitter, timeout, expected_status, healthy, unhealthy,"
                        + " check_before_traffic, host"
            })
    void healthCheck_valueOutOfItsRule_isAProblemAtItsKeyAndLine(String setting, String problem) {
        String yaml = "    health_check:\n      " + setting + "\n";

        assertThat(problems(UPSTREAM + yaml + LISTENERS + ROUTES))
                .containsExactly("upstreams[0].health_check." + problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"path: /healthz", "expected_status: 204", "host: app.internal"})
    void healthCheck_httpOnlyKeyOnATcpCheck_isAProblemAtTheKey(String setting) {
        String yaml = "    health_check:\n      type: tcp\n      " + setting + "\n";
        String key = setting.substring(0, setting.indexOf(':'));

        assertThat(problems(UPSTREAM + yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].health_check."
                                + key
                                + " (line 7): only for type http; a tcp check only connects");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5s", "6s"})
    void healthCheck_timeoutNotBelowInterval_isAProblemAtTheTimeout(String timeout) {
        String yaml = "    health_check:\n      interval: 5s\n      timeout: " + timeout + "\n";

        assertThat(problems(UPSTREAM + yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].health_check.timeout (line 7): must be less than interval"
                                + " (5s): \""
                                + timeout
                                + "\"");
    }

    @Test
    void healthCheck_timeoutNotBelowTheDefaultInterval_isAProblem() {
        assertThat(problems(UPSTREAM + "    health_check: {timeout: 5s}\n" + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].health_check.timeout (line 5): must be less than interval"
                                + " (5s): \"5s\"");
    }

    @Test
    void healthCheck_refusedIntervalAndLongTimeout_reportsOnlyTheInterval() {
        String yaml = "    health_check:\n      interval: 0s\n      timeout: 30s\n";

        assertThat(problems(UPSTREAM + yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].health_check.interval (line 6): must be from 100ms to 1h:"
                                + " \"0s\"");
    }

    @Test
    void healthCheck_shortIntervalWithoutTimeout_takesHalfTheInterval() {
        HealthCheckConfig check = healthCheck("    health_check: {interval: 1s}\n");

        assertThat(check.timeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void healthCheck_longIntervalWithoutTimeout_takesTheDefaultTimeout() {
        HealthCheckConfig check = healthCheck("    health_check: {interval: 1m}\n");

        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void outlier_everyKey_bindsEachValue() {
        String yaml =
                """
                    outlier:
                      consecutive_failures: 0
                      consecutive_5xx: 10
                      base_ejection: 1s
                      max_ejection: 24h
                      max_ejection_percent: 100
                """;

        assertThat(outlier(yaml))
                .isEqualTo(
                        new OutlierConfig(0, 10, Duration.ofSeconds(1), Duration.ofHours(24), 100));
    }

    @Test
    void outlier_absent_isTheDefault() {
        assertThat(valid(UPSTREAM + LISTENERS + ROUTES).upstreams().get(0).outlier())
                .isEqualTo(OutlierConfig.defaults());
    }

    @Test
    void outlier_consecutiveFailures_isTheLocalFailureCount() {
        assertThat(outlier("    outlier: {consecutive_failures: 3}\n").consecutiveLocalFailures())
                .isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "consecutive_failures: -1 | consecutive_failures (line 6): must be from 0 to 1000:"
                        + " \"-1\"",
                "consecutive_failures: 1001 | consecutive_failures (line 6): must be from 0 to"
                        + " 1000: \"1001\"",
                "consecutive_5xx: 1001 | consecutive_5xx (line 6): must be from 0 to 1000:"
                        + " \"1001\"",
                "base_ejection: 999ms | base_ejection (line 6): must be from 1s to 1h: \"999ms\"",
                "base_ejection: 2h | base_ejection (line 6): must be from 1s to 1h: \"2h\"",
                "max_ejection: 25h | max_ejection (line 6): must be from 1s to 1d: \"25h\"",
                "max_ejection_percent: 9 | max_ejection_percent (line 6): must be from 10 to 100:"
                        + " \"9\"",
                "max_ejection_percent: 101 | max_ejection_percent (line 6): must be from 10 to"
                        + " 100: \"101\"",
                "consecutive_local_failures: 5 | consecutive_local_failures (line 6): unknown key;"
                        + " expected one of consecutive_failures, consecutive_5xx, base_ejection,"
                        + " max_ejection, max_ejection_percent",
                "consecutive_failure: 5 | consecutive_failure (line 6): unknown key; did you mean"
                        + " consecutive_failures?"
            })
    void outlier_valueOutOfItsRule_isAProblemAtItsKeyAndLine(String setting, String problem) {
        String yaml = "    outlier:\n      " + setting + "\n";

        assertThat(problems(UPSTREAM + yaml + LISTENERS + ROUTES))
                .containsExactly("upstreams[0].outlier." + problem);
    }

    @Test
    void outlier_maxEjectionBelowBase_isAProblemAtTheMax() {
        String yaml = "    outlier:\n      base_ejection: 1m\n      max_ejection: 30s\n";

        assertThat(problems(UPSTREAM + yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].outlier.max_ejection (line 7): must not be less than"
                                + " base_ejection (1m): \"30s\"");
    }

    @Test
    void outlier_maxEjectionBelowTheDefaultBase_isAProblem() {
        assertThat(problems(UPSTREAM + "    outlier: {max_ejection: 10s}\n" + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].outlier.max_ejection (line 5): must not be less than"
                                + " base_ejection (30s): \"10s\"");
    }

    @Test
    void outlier_refusedBaseAndShortMax_reportsOnlyTheBase() {
        String yaml = "    outlier:\n      base_ejection: forever\n      max_ejection: 10s\n";

        assertThat(problems(UPSTREAM + yaml + LISTENERS + ROUTES))
                .containsExactly(
                        "upstreams[0].outlier.base_ejection (line 6): not a duration (a whole"
                                + " number followed by ms, s, m, h or d, e.g. 10s): \"forever\"");
    }

    @Test
    void outlier_maxEjectionEqualToBase_isValid() {
        OutlierConfig outlier = outlier("    outlier: {base_ejection: 1m, max_ejection: 1m}\n");

        assertThat(outlier.maxEjection()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void outlier_longBaseWithoutMax_takesTheBaseAsMax() {
        OutlierConfig outlier = outlier("    outlier: {base_ejection: 10m}\n");

        assertThat(outlier.maxEjection()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void outlier_shortBaseWithoutMax_takesTheDefaultMax() {
        OutlierConfig outlier = outlier("    outlier: {base_ejection: 5s}\n");

        assertThat(outlier.maxEjection()).isEqualTo(Duration.ofMinutes(5));
    }

    private static HealthCheckConfig healthCheck(String section) {
        HealthCheckConfig check =
                Objects.requireNonNull(
                        valid(UPSTREAM + section + LISTENERS + ROUTES)
                                .upstreams()
                                .get(0)
                                .healthCheck());
        return check;
    }

    private static OutlierConfig outlier(String section) {
        return valid(UPSTREAM + section + LISTENERS + ROUTES).upstreams().get(0).outlier();
    }
}
