package dev.portcullis.config.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "0s, PT0S",
        "10s, PT10S",
        "15m, PT15M",
        "2h, PT2H",
        "1d, PT24H",
        "90s, PT1M30S"
    })
    void parse_numberAndUnit_givesTheDuration(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "0", "500"})
    void parse_bareNumber_saysAUnitIsNeeded(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a duration needs a unit, e.g. 10s: \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10x", "1.5s", "-5s", "10 s", "10S", "s", "", "1h30m", "PT10S"})
    void parse_notADuration_namesTheFormAndQuotesTheText(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "not a duration (a whole number followed by ms, s, m, h or d, e.g. 10s): \""
                                + text
                                + "\"");
    }

    @Test
    void parse_beyondADuration_saysTooLarge() {
        assertThatThrownBy(() -> Durations.parse("999999999999999999d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("too large for a duration: \"999999999999999999d\"");
    }

    @ParameterizedTest
    @CsvSource({
        "PT0S, 0s",
        "PT0.1S, 100ms",
        "PT1.5S, 1500ms",
        "PT10S, 10s",
        "PT90S, 90s",
        "PT10M, 10m",
        "PT1H, 1h",
        "PT48H, 2d"
    })
    void format_writesTheLargestExactUnit(String iso, String text) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
    }
}
