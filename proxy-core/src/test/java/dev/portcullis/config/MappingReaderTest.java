package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.source.YamlNode;
import dev.portcullis.config.source.YamlReader;
import dev.portcullis.config.validate.ConfigProblem;
import dev.portcullis.config.validate.Problems;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MappingReaderTest {

    private final Problems problems = new Problems();

    @Test
    void value_writtenKey_isParsed() {
        MappingReader reader = reader("port: 80\n", "port");

        assertThat(reader.value("port", Values.integer(1, 100))).isEqualTo(80);
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void value_absentKey_takesTheFallbackSilently() {
        MappingReader reader = reader("other: 1\n", "port", "other");

        assertThat(reader.value("port", Values.integer(1, 100), 42)).isEqualTo(42);
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void value_refusedValue_isReportedAndTakesTheFallback() {
        MappingReader reader = reader("port: 800\n", "port");

        assertThat(reader.value("port", Values.integer(1, 100), 42)).isEqualTo(42);
        assertThat(printed()).containsExactly("port (line 1): must be from 1 to 100: \"800\"");
    }

    @Test
    void required_absentKey_isReportedAtTheMappingsLine() {
        MappingReader reader = reader("other: 1\n", "port", "other");

        assertThat(reader.required("port", Values.integer(1, 100))).isNull();
        assertThat(printed()).containsExactly("port: required key is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"token:\n", "token: \"\"\n", "token: ~\n", "other: 1\n"})
    void valueUnlessEmpty_emptyOrAbsent_isNullWithoutAProblem(String yaml) {
        MappingReader reader = reader(yaml, "token", "other");

        assertThat(reader.valueUnlessEmpty("token", Values.text())).isNull();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void valueUnlessEmpty_writtenValue_isParsed() {
        MappingReader reader = reader("token: abc\n", "token");

        assertThat(reader.valueUnlessEmpty("token", Values.text())).isEqualTo("abc");
    }

    @Test
    void valueUnlessEmpty_list_isAProblem() {
        MappingReader reader = reader("token: [a]\n", "token");

        assertThat(reader.valueUnlessEmpty("token", Values.text())).isNull();
        assertThat(printed()).containsExactly("token (line 1): must be a single value, not a list");
    }

    @Test
    void of_unknownKeys_areReportedAtOnceWithTheirOwnLines() {
        reader("port: 1\nprot: 2\nzzz: 3\n", "port", "host");

        assertThat(printed())
                .containsExactly(
                        "prot (line 2): unknown key; did you mean port?",
                        "zzz (line 3): unknown key; expected one of port, host");
    }

    @Test
    void section_absent_readsAsEmpty() {
        MappingReader section = reader("other: 1\n", "limits", "other").section("limits", "a");

        assertThat(section.has("a")).isFalse();
        assertThat(section.path()).isEqualTo("limits");
    }

    @Test
    void scalarItems_mixedItems_keepsTheValuesAndReportsTheRest() {
        MappingReader reader = reader("list: [a, [b], c]\n", "list");

        List<String> texts =
                reader.scalarItems("list").stream().map(item -> item.value().text()).toList();

        assertThat(texts).containsExactly("a", "c");
        assertThat(printed())
                .containsExactly("list[1] (line 1): must be a single value, not a list");
    }

    @Test
    void requiredItems_itemsOfTheWrongKind_areReportedAndLeftOut() {
        MappingReader reader = reader("items:\n  - {a: 1}\n  - x\n", "items");

        List<MappingReader> items = reader.requiredItems("items", "item", "a");

        assertThat(items).extracting(MappingReader::index).containsExactly(0);
        assertThat(printed())
                .containsExactly(
                        "items[1] (line 3): each item must be a mapping of keys to values, not a"
                                + " value (\"x\")");
    }

    @Test
    void value_undeclaredKey_isAProgrammingError() {
        MappingReader reader = reader("port: 1\n", "port");

        assertThatThrownBy(() -> reader.value("host", Values.text()))
                .isInstanceOf(IllegalStateException.class);
    }

    private MappingReader reader(String yaml, String... keys) {
        YamlNode document = Objects.requireNonNull(YamlReader.read(yaml, problems));
        return MappingReader.root(document, problems, keys);
    }

    private List<String> printed() {
        return problems.sorted().stream().map(ConfigProblem::toString).toList();
    }
}
