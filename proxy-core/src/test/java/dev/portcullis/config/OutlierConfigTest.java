package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutlierConfigTest {

    @Test
    void defaults_ejectOnLocalFailuresOnlyForThirtySecondsAtMostHalf() {
        OutlierConfig defaults = OutlierConfig.defaults();

        assertThat(defaults.consecutiveLocalFailures()).isEqualTo(5);
        assertThat(defaults.consecutive5xx()).isZero();
        assertThat(defaults.baseEjection()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.maxEjection()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.maxEjectionPercent()).isEqualTo(50);
    }

    @Test
    void ejectionTime_repeated_doublesFromBaseUpToMax() {
        OutlierConfig defaults = OutlierConfig.defaults();

        assertThat(defaults.ejectionTime(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.ejectionTime(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.ejectionTime(3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(defaults.ejectionTime(4)).isEqualTo(Duration.ofSeconds(240));
        assertThat(defaults.ejectionTime(5)).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.ejectionTime(1000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void enabled_bothCountersOff_isFalse() {
        OutlierConfig off =
                new OutlierConfig(0, 0, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);

        assertThat(off.enabled()).isFalse();
        assertThat(OutlierConfig.defaults().enabled()).isTrue();
    }

    @Test
    void maxEjection_belowBase_isRefusedNamingBoth() {
        assertThatThrownBy(
                        () ->
                                new OutlierConfig(
                                        5, 0, Duration.ofSeconds(30), Duration.ofSeconds(10), 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outlier.max_ejection: got 10s, must be >= base_ejection 30s");
    }

    @Test
    void consecutiveLocalFailures_negative_isRefusedUnderItsYamlName() {
        assertThatThrownBy(
                        () ->
                                new OutlierConfig(
                                        -1, 0, Duration.ofSeconds(30), Duration.ofMinutes(5), 50))
                .hasMessage("outlier.consecutive_failures: got -1, must be >= 0 (0 turns it off)");
    }

    @Test
    void maxEjectionPercent_belowTen_isRefused() {
        assertThatThrownBy(
                        () ->
                                new OutlierConfig(
                                        5, 0, Duration.ofSeconds(30), Duration.ofMinutes(5), 5))
                .hasMessage("outlier.max_ejection_percent: got 5, must be from 10 to 100");
    }
}
