package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.REQUIRED;
import static dev.portcullis.config.ConfigTesting.problems;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.unit.ByteSize;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitsBinderTest {

    @Test
    void bind_noSection_givesTheDefaults() {
        assertThat(valid(REQUIRED).limits()).isEqualTo(LimitsConfig.defaults());
    }

    @Test
    void bind_emptySection_givesTheDefaults() {
        assertThat(valid("limits:\n" + REQUIRED).limits()).isEqualTo(LimitsConfig.defaults());
    }

    @Test
    void defaults_areTheDocumentedValues() {
        assertThat(LimitsConfig.defaults())
                .isEqualTo(
                        new LimitsConfig(
                                20_000,
                                200,
                                ByteSize.ofKibibytes(8),
                                ByteSize.ofKibibytes(16),
                                100,
                                ByteSize.ofMebibytes(10),
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(60),
                                100,
                                ByteSize.ofKibibytes(256),
                                200,
                                Duration.ofSeconds(30)));
    }

    @Test
    void bind_everyKey_bindsEachValue() {
        String yaml =
                """
                limits:
                  max_connections: 1000
                  max_connections_per_ip: 10
                  max_request_line: 4KiB
                  max_header_bytes: 32KiB
                  max_headers: 50
                  max_body_bytes: 1GiB
                  header_timeout: 500ms
                  idle_timeout: 2m
                  http2_max_concurrent_streams: 250
                  http2_initial_window: 1MiB
                  http2_max_resets: 50
                  http2_reset_window: 10s
                """;

        assertThat(valid(yaml + REQUIRED).limits())
                .isEqualTo(
                        new LimitsConfig(
                                1000,
                                10,
                                ByteSize.ofKibibytes(4),
                                ByteSize.ofKibibytes(32),
                                50,
                                ByteSize.ofMebibytes(1024),
                                Duration.ofMillis(500),
                                Duration.ofMinutes(2),
                                250,
                                ByteSize.ofMebibytes(1),
                                50,
                                Duration.ofSeconds(10)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "max_connections | 0 | must be from 1 to 10000000: \"0\"",
                "max_connections | 10000001 | must be from 1 to 10000000: \"10000001\"",
                "max_connections_per_ip | 0 | must be from 1 to 10000000: \"0\"",
                "max_request_line | 255B | must be from 256B to 64KiB: \"255B\"",
                "max_request_line | 65KiB | must be from 256B to 64KiB: \"65KiB\"",
                "max_header_bytes | 1023 | must be from 1KiB to 1MiB: \"1023\"",
                "max_header_bytes | 2MiB | must be from 1KiB to 1MiB: \"2MiB\"",
                "max_headers | 0 | must be from 1 to 1000: \"0\"",
                "max_headers | 1001 | must be from 1 to 1000: \"1001\"",
                "max_body_bytes | 0 | must be from 1B to 1TiB: \"0\"",
                "max_body_bytes | 2TiB | must be from 1B to 1TiB: \"2TiB\"",
                "header_timeout | 99ms | must be from 100ms to 10m: \"99ms\"",
                "header_timeout | 11m | must be from 100ms to 10m: \"11m\"",
                "header_timeout | 10 | a duration needs a unit, e.g. 10s: \"10\"",
                "idle_timeout | 999ms | must be from 1s to 1h: \"999ms\"",
                "idle_timeout | 2h | must be from 1s to 1h: \"2h\"",
                "http2_max_concurrent_streams | 0 | must be from 1 to 1000: \"0\"",
                "http2_max_concurrent_streams | 1001 | must be from 1 to 1000: \"1001\"",
                "http2_initial_window | 65535 | must be from 64KiB to 16MiB: \"65535\"",
                "http2_initial_window | 17MiB | must be from 64KiB to 16MiB: \"17MiB\"",
                "http2_max_resets | 0 | must be from 1 to 100000: \"0\"",
                "http2_max_resets | 100001 | must be from 1 to 100000: \"100001\"",
                "http2_reset_window | 999ms | must be from 1s to 10m: \"999ms\"",
                "http2_reset_window | 11m | must be from 1s to 10m: \"11m\"",
                "max_body_bytes | 10 MiB | not a size (a whole number, optionally followed by B,"
                        + " KiB, MiB, GiB or TiB, e.g. 16KiB): \"10 MiB\""
            })
    void bind_valueOutOfItsRule_isAProblemAtItsKeyAndLine(
            String key, String value, String message) {
        String yaml =
                "limits:\n  # the key under test is on line 3\n  " + key + ": " + value + "\n";

        assertThat(problems(yaml + REQUIRED))
                .containsExactly("limits." + key + " (line 3): " + message);
    }

    @Test
    void bind_http2KeysAtTheirBounds_areAccepted() {
        String yaml =
                """
                limits:
                  http2_max_concurrent_streams: 1000
                  http2_initial_window: 64KiB
                  http2_max_resets: 1
                  http2_reset_window: 10m
                """;

        LimitsConfig limits = valid(yaml + REQUIRED).limits();

        assertThat(limits.http2MaxConcurrentStreams()).isEqualTo(1000);
        assertThat(limits.http2InitialWindow()).isEqualTo(ByteSize.ofKibibytes(64));
        assertThat(limits.http2MaxResets()).isEqualTo(1);
        assertThat(limits.http2ResetWindow()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void bind_perIpAboveTotal_isAProblemAtThePerIpKey() {
        String yaml =
                """
                limits:
                  max_connections: 100
                  max_connections_per_ip: 200
                """;

        assertThat(problems(yaml + REQUIRED))
                .containsExactly(
                        "limits.max_connections_per_ip (line 3): must not be greater than"
                                + " max_connections (100): \"200\"");
    }

    @Test
    void bind_perIpLeftOutAndTotalBelowItsDefault_followsTheTotal() {
        assertThat(
                        valid("limits:\n  max_connections: 50\n" + REQUIRED)
                                .limits()
                                .maxConnectionsPerIp())
                .isEqualTo(50);
    }

    @Test
    void bind_badTotal_isTheOnlyProblemReported() {
        String yaml =
                """
                limits:
                  max_connections: lots
                  max_connections_per_ip: 30000
                """;

        assertThat(problems(yaml + REQUIRED))
                .containsExactly("limits.max_connections (line 2): not a whole number: \"lots\"");
    }

    @Test
    void bind_unknownKey_suggestsTheNearestKnownKey() {
        String yaml =
                """
                limits:
                  max_headers: 100
                  max_conections: 5
                """;

        assertThat(problems(yaml + REQUIRED))
                .containsExactly(
                        "limits.max_conections (line 3): unknown key; did you mean"
                                + " max_connections?");
    }

    @Test
    void bind_unknownKeyWithNothingClose_listsTheKnownKeys() {
        assertThat(problems("limits:\n  compression: true\n" + REQUIRED))
                .containsExactly(
                        "limits.compression (line 2): unknown key; expected one of"
                                + " max_connections, max_connections_per_ip, max_request_line,"
                                + " max_header_bytes, max_headers, max_body_bytes,"
                                + " header_timeout, idle_timeout, http2_max_concurrent_streams,"
                                + " http2_initial_window, http2_max_resets, http2_reset_window");
    }

    @Test
    void bind_keyWithoutValue_isAProblem() {
        assertThat(problems("limits:\n  max_headers:\n" + REQUIRED))
                .containsExactly("limits.max_headers (line 2): no value given");
    }

    @Test
    void bind_listForAValue_isAProblem() {
        assertThat(problems("limits:\n  max_headers: [1, 2]\n" + REQUIRED))
                .containsExactly("limits.max_headers (line 2): must be a single value, not a list");
    }

    @Test
    void bind_sectionAsAValue_isAProblem() {
        assertThat(problems("limits: 5\n" + REQUIRED))
                .containsExactly(
                        "limits (line 1): must be a mapping of keys to values, not a value"
                                + " (\"5\")");
    }
}
