package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthCheckValuesTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/healthz", "/status?full=1&x=%20"})
    void path_originForm_isAccepted(String text) {
        assertThat(HealthCheckValues.path().parse(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\r\nX-Injected: 1", "/a\tb", "/caf\u00e9", "/a\u007f"})
    void path_controlOrNonAscii_isRefusedSoNoSecondRequestCanBeWritten(String text) {
        assertThatThrownBy(() -> HealthCheckValues.path().parse(text))
                .hasMessageStartingWith(
                        "a health check path must not contain spaces, control or non-ASCII"
                                + " characters: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.internal", "10.0.0.1:8080", "[::1]:8080", "my_host-1"})
    void host_nameOrAddressWithPort_isAccepted(String text) {
        assertThat(HealthCheckValues.host().parse(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"app\r\nX: 1", "user@app", "app/path", "caf\u00e9"})
    void host_otherCharacters_areRefused(String text) {
        assertThatThrownBy(() -> HealthCheckValues.host().parse(text))
                .hasMessageStartingWith("a Host header must be a host name or address");
    }

    @Test
    void statusRange_single_isARangeOfOne() {
        assertThat(HealthCheckValues.statusRange().parse("204"))
                .isEqualTo(new HealthCheckValues.StatusRange(204, 204));
    }

    @Test
    void statusRange_fullRange_isAccepted() {
        assertThat(HealthCheckValues.statusRange().parse("100-599"))
                .isEqualTo(new HealthCheckValues.StatusRange(100, 599));
    }

    @ParameterizedTest
    @ValueSource(strings = {"200 - 399", "200-", "-399", "2000", "200,204"})
    void statusRange_otherForms_areRefused(String text) {
        assertThatThrownBy(() -> HealthCheckValues.statusRange().parse(text))
                .hasMessageStartingWith("not a status or a range of statuses");
    }
}
