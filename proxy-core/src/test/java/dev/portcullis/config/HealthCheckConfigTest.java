package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthCheckConfigTest {

    @Test
    void defaults_areTheDocumentedOnes() {
        HealthCheckConfig defaults = HealthCheckConfig.defaults();

        assertThat(defaults.kind()).isEqualTo(HealthCheckKind.HTTP);
        assertThat(defaults.path()).isEqualTo("/");
        assertThat(defaults.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.expectedStatusFrom()).isEqualTo(200);
        assertThat(defaults.expectedStatusTo()).isEqualTo(399);
        assertThat(defaults.healthy()).isEqualTo(2);
        assertThat(defaults.unhealthy()).isEqualTo(3);
        assertThat(defaults.checkBeforeTraffic()).isTrue();
        assertThat(defaults.hostHeader()).isNull();
    }

    @Test
    void passes_statusInsideRange_passesAndOutsideFails() {
        HealthCheckConfig defaults = HealthCheckConfig.defaults();

        assertThat(defaults.passes(200)).isTrue();
        assertThat(defaults.passes(399)).isTrue();
        assertThat(defaults.passes(199)).isFalse();
        assertThat(defaults.passes(400)).isFalse();
        assertThat(defaults.passes(500)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"healthz", "/a b", "/a\r\nX-Injected: 1", ""})
    void path_notOriginForm_isRefusedNamingTheKey(String path) {
        assertThatThrownBy(() -> withPath(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("health_check.path: got ");
    }

    @Test
    void interval_zero_isRefusedInConfigurationUnits() {
        HealthCheckConfig d = HealthCheckConfig.defaults();

        assertThatThrownBy(
                        () ->
                                new HealthCheckConfig(
                                        d.kind(),
                                        d.path(),
                                        Duration.ZERO,
                                        d.jitter(),
                                        d.timeout(),
                                        200,
                                        399,
                                        2,
                                        3,
                                        true,
                                        null))
                .hasMessage("health_check.interval: got 0s, must be > 0");
    }

    @Test
    void hostHeader_withSpace_isRefusedUnderItsYamlName() {
        HealthCheckConfig d = HealthCheckConfig.defaults();

        assertThatThrownBy(
                        () ->
                                new HealthCheckConfig(
                                        d.kind(),
                                        d.path(),
                                        d.interval(),
                                        d.jitter(),
                                        d.timeout(),
                                        200,
                                        399,
                                        2,
                                        3,
                                        true,
                                        "a b"))
                .hasMessage(
                        "health_check.host: got a b, must be non-empty and hold no space or"
                                + " control");
    }

    @Test
    void statusRange_reversed_isRefused() {
        HealthCheckConfig d = HealthCheckConfig.defaults();

        assertThatThrownBy(
                        () ->
                                new HealthCheckConfig(
                                        d.kind(),
                                        d.path(),
                                        d.interval(),
                                        d.jitter(),
                                        d.timeout(),
                                        400,
                                        200,
                                        2,
                                        3,
                                        true,
                                        null))
                .hasMessageStartingWith("health_check.expected_status: got 400..200");
    }

    private static HealthCheckConfig withPath(String path) {
        HealthCheckConfig d = HealthCheckConfig.defaults();
        return new HealthCheckConfig(
                d.kind(),
                path,
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
