package dev.portcullis.config.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "512, 512",
        "512B, 512",
        "16KiB, 16384",
        "16KB, 16384",
        "10MiB, 10485760",
        "10MB, 10485760",
        "1GiB, 1073741824",
        "1GB, 1073741824",
        "1TiB, 1099511627776",
        "2TB, 2199023255552"
    })
    void parse_numberWithOrWithoutUnit_givesBytesInPowersOf1024(String text, long bytes) {
        assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"16XB", "16 KiB", "16kib", "1.5MiB", "-1", "KiB", "", "0x10"})
    void parse_notASize_namesTheFormAndQuotesTheText(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "not a size (a whole number, optionally followed by B, KiB, MiB, GiB or"
                                + " TiB, e.g. 16KiB): \""
                                + text
                                + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9999999999TiB", "99999999999999999999"})
    void parse_beyondALong_saysTooLarge(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("too large for a size: \"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({"0, 0B", "512, 512B", "16384, 16KiB", "10485760, 10MiB", "1099511627776, 1TiB"})
    void toString_writesTheLargestExactUnit(long bytes, String text) {
        assertThat(ByteSize.ofBytes(bytes)).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"512B", "16KiB", "10MiB", "3GiB", "1TiB"})
    void toString_readsBackAsTheSameSize(String text) {
        assertThat(ByteSize.parse(ByteSize.parse(text).toString())).isEqualTo(ByteSize.parse(text));
    }
}
