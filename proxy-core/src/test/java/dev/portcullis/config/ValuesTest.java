package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.net.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @ParameterizedTest
    @ValueSource(strings = {"1", "500", "1000", "007"})
    void integer_wholeNumberInRange_isAccepted(String text) {
        assertThat(Values.integer(1, 1000).parse(text)).isEqualTo(Integer.parseInt(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "1_000", "0x10", "+5", "ten", "1e3", "5 "})
    void integer_notAWholeNumber_isRefused(String text) {
        assertThatThrownBy(() -> Values.integer(1, 1000).parse(text))
                .hasMessage("not a whole number: \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "-1", "99999999999", "-99999999999999999999"})
    void integer_outOfRange_givesTheRange(String text) {
        assertThatThrownBy(() -> Values.integer(1, 1000).parse(text))
                .hasMessage("must be from 1 to 1000: \"" + text + "\"");
    }

    @Test
    void bool_trueAndFalse_areAccepted() {
        assertThat(Values.bool().parse("true")).isTrue();
        assertThat(Values.bool().parse("false")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "True", "1"})
    void bool_anythingElse_isRefused(String text) {
        assertThatThrownBy(() -> Values.bool().parse(text))
                .hasMessage("must be true or false: \"" + text + "\"");
    }

    @Test
    void choice_snakeCaseName_givesTheConstant() {
        assertThat(Values.choice(BalancePolicy.class).parse("least_connections"))
                .isEqualTo(BalancePolicy.LEAST_CONNECTIONS);
    }

    @Test
    void choice_misspelt_listsTheChoicesAndSuggestsTheNearest() {
        assertThatThrownBy(() -> Values.choice(BalancePolicy.class).parse("roundrobin"))
                .hasMessage(
                        "must be one of round_robin, least_connections, p2c: \"roundrobin\"; did"
                                + " you mean round_robin?");
    }

    @Test
    void choice_constantNameInCapitals_isRefusedWithTheSnakeCaseSuggested() {
        assertThatThrownBy(() -> Values.choice(TransportChoice.class).parse("EPOLL"))
                .hasMessage("must be one of auto, epoll, nio: \"EPOLL\"; did you mean epoll?");
    }

    @Test
    void choice_nothingClose_listsTheChoicesOnly() {
        assertThatThrownBy(() -> Values.choice(AccessLogFormat.class).parse("syslog"))
                .hasMessage("must be one of json, combined, off: \"syslog\"");
    }

    @Test
    void duration_inRange_isAccepted() {
        assertThat(Values.duration(Duration.ofMillis(100), Duration.ofMinutes(10)).parse("10m"))
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void duration_outOfRange_givesTheRangeInUnits() {
        assertThatThrownBy(
                        () ->
                                Values.duration(Duration.ofMillis(100), Duration.ofMinutes(10))
                                        .parse("601s"))
                .hasMessage("must be from 100ms to 10m: \"601s\"");
    }

    @Test
    void duration_bareNumber_saysAUnitIsNeeded() {
        assertThatThrownBy(() -> Values.duration(Duration.ZERO, Duration.ofHours(1)).parse("10"))
                .hasMessage("a duration needs a unit, e.g. 10s: \"10\"");
    }

    @Test
    void durationOrZero_zero_isAcceptedBelowTheMinimum() {
        assertThat(Values.durationOrZero(Duration.ofSeconds(1), Duration.ofDays(1)).parse("0s"))
                .isZero();
    }

    @Test
    void durationOrZero_inRange_isAccepted() {
        assertThat(Values.durationOrZero(Duration.ofSeconds(1), Duration.ofDays(1)).parse("1d"))
                .isEqualTo(Duration.ofDays(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "2d"})
    void durationOrZero_outOfRange_givesZeroAndTheRange(String text) {
        assertThatThrownBy(
                        () ->
                                Values.durationOrZero(Duration.ofSeconds(1), Duration.ofDays(1))
                                        .parse(text))
                .hasMessage("must be 0s (never) or from 1s to 1d: \"" + text + "\"");
    }

    @Test
    void durationOrZero_bareZero_saysAUnitIsNeeded() {
        assertThatThrownBy(
                        () ->
                                Values.durationOrZero(Duration.ofSeconds(1), Duration.ofDays(1))
                                        .parse("0"))
                .hasMessage("a duration needs a unit, e.g. 10s: \"0\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0%", "10%", "100%", "007%"})
    void percentage_wholeNumberWithSign_isAccepted(String text) {
        assertThat(Values.percentage(0, 100).parse(text))
                .isEqualTo(Integer.parseInt(text.substring(0, text.length() - 1)));
    }

    @Test
    void percentage_withoutSign_saysTheSignIsNeeded() {
        assertThatThrownBy(() -> Values.percentage(0, 100).parse("10"))
                .hasMessage("a percentage needs a % sign, e.g. 10%: \"10\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1", "10 %", "2.5%", "-5%", "%", "ten%"})
    void percentage_notAWholePercentage_isRefused(String text) {
        assertThatThrownBy(() -> Values.percentage(0, 100).parse(text))
                .hasMessage(
                        "not a percentage (a whole number followed by %, e.g. 10%): \""
                                + text
                                + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"101%", "99999999999%"})
    void percentage_outOfRange_givesTheRange(String text) {
        assertThatThrownBy(() -> Values.percentage(0, 100).parse(text))
                .hasMessage("must be from 0% to 100%: \"" + text + "\"");
    }

    @Test
    void path_relative_isResolvedAgainstTheBase() {
        Path base = Path.of("/etc/portcullis");

        assertThat(Values.path(base).parse("tls/site.crt"))
                .isEqualTo(Path.of("/etc/portcullis/tls/site.crt"));
    }

    @Test
    void path_relativeWithDotDot_isNormalised() {
        Path base = Path.of("/etc/portcullis");

        assertThat(Values.path(base).parse("../ssl/./site.crt"))
                .isEqualTo(Path.of("/etc/ssl/site.crt"));
    }

    @Test
    void path_absolute_isKept() {
        assertThat(Values.path(Path.of("/etc/portcullis")).parse("/srv/tls/site.key"))
                .isEqualTo(Path.of("/srv/tls/site.key"));
    }

    @Test
    void path_withNul_isRefusedAndQuotedVisibly() {
        assertThatThrownBy(() -> Values.path(Path.of("/etc")).parse("site\u0000.crt"))
                .hasMessageStartingWith("not a file path (")
                .hasMessageEndingWith("): \"site\\u0000.crt\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3cr3t", "a-b_c.d~e+f/g=", "!#$%&'*"})
    void secret_visibleAscii_isAccepted(String text) {
        assertThat(Values.secret().parse(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"two words", "tab\there", "caf\u00e9", "line\nbreak"})
    void secret_otherCharacters_areRefusedWithoutShowingTheValue(String text) {
        assertThatThrownBy(() -> Values.secret().parse(text))
                .hasMessage(
                        "must be visible ASCII characters without spaces (the value is not shown,"
                                + " as it is a secret)");
    }

    @Test
    void size_inRange_isAccepted() {
        assertThat(Values.size(ByteSize.ofBytes(256), ByteSize.ofKibibytes(64)).parse("64KiB"))
                .isEqualTo(ByteSize.ofKibibytes(64));
    }

    @Test
    void size_outOfRange_givesTheRangeInUnits() {
        assertThatThrownBy(
                        () ->
                                Values.size(ByteSize.ofBytes(256), ByteSize.ofKibibytes(64))
                                        .parse("255"))
                .hasMessage("must be from 256B to 64KiB: \"255\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "a", "0", "api-v2", "app_1"})
    void name_lowerCaseWordsDigitsDashesUnderscores_isAccepted(String text) {
        assertThat(Values.name().parse(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Public", "-app", "_app", "app.web", "app web", "ä"})
    void name_otherCharacters_areRefused(String text) {
        assertThatThrownBy(() -> Values.name().parse(text))
                .hasMessage(
                        "a name must be lower-case letters, digits, '_' and '-', starting with a"
                                + " letter or digit: \""
                                + text
                                + "\"");
    }

    @Test
    void cidr_block_isParsed() {
        assertThat(Values.cidr().parse("10.0.0.0/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    }

    @Test
    void cidr_hostBitsSet_givesTheBlockAndQuotesTheText() {
        assertThatThrownBy(() -> Values.cidr().parse("10.0.0.1/8"))
                .hasMessage("host bits are set; the block is 10.0.0.0/8: \"10.0.0.1/8\"");
    }

    @Test
    void cidr_notAnAddress_isRefused() {
        assertThatThrownBy(() -> Values.cidr().parse("proxy.local"))
                .hasMessage("not an IP address or CIDR block: \"proxy.local\"");
    }
}
