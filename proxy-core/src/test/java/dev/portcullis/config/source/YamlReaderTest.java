package dev.portcullis.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.validate.ConfigProblem;
import dev.portcullis.config.validate.Problems;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    private final Problems problems = new Problems();

    @Test
    void read_nestedDocument_givesEachNodeAndKeyItsLine() {
        YamlNode.Mapping top =
                mapping(
                        """
                        limits:
                          max_connections: 5
                        listeners:
                          - name: public
                            bind: 127.0.0.1:80
                        """);

        YamlNode.Entry limits = entry(top, "limits");
        YamlNode.Entry max = entry((YamlNode.Mapping) limits.value(), "max_connections");
        YamlNode.Sequence listeners = (YamlNode.Sequence) entry(top, "listeners").value();
        YamlNode.Mapping listener = (YamlNode.Mapping) listeners.items().get(0);
        assertThat(limits.keyLine()).isEqualTo(1);
        assertThat(limits.value().line()).isEqualTo(2);
        assertThat(max.value()).isEqualTo(new YamlNode.Scalar(2, "5"));
        assertThat(listeners.line()).isEqualTo(4);
        assertThat(listener.line()).isEqualTo(4);
        assertThat(entry(listener, "bind").value())
                .isEqualTo(new YamlNode.Scalar(5, "127.0.0.1:80"));
    }

    @Test
    void read_scalars_keepTheirTextAsWritten() {
        YamlNode.Mapping root = mapping("a: 1_000\nb: yes\nc: \"8080\"\nd: 0x1F\ne: 10s\n");

        assertThat(root.entries())
                .extracting(entry -> ((YamlNode.Scalar) entry.value()).text())
                .containsExactly("1_000", "yes", "8080", "0x1F", "10s");
    }

    @Test
    void read_nullAndEmptyValues_areEmptyScalars() {
        YamlNode.Mapping root = mapping("a: ~\nb: null\nc:\nd: \"\"\n");

        assertThat(root.entries())
                .allSatisfy(entry -> assertThat(entry.value().isEmpty()).isTrue());
        assertThat(((YamlNode.Scalar) entry(root, "a").value()).text()).isNull();
    }

    @Test
    void read_emptyDocument_isAnEmptyMapping() {
        assertThat(read("# only a comment\n")).isEqualTo(new YamlNode.Mapping(1, List.of()));
    }

    @Test
    void read_duplicateKey_isAProblemAndTheFirstValueIsKept() {
        YamlNode.Mapping root = mapping("limits:\n  max_headers: 10\n  max_headers: 20\n");

        assertThat(printed())
                .containsExactly(
                        "limits.max_headers (line 3): duplicate key; first given on line 2");
        YamlNode.Mapping limits = (YamlNode.Mapping) entry(root, "limits").value();
        assertThat(limits.entries()).hasSize(1);
        assertThat(entry(limits, "max_headers").value()).isEqualTo(new YamlNode.Scalar(2, "10"));
    }

    @Test
    void read_anchorAndAlias_areRefusedAndTheTreeIsNotUsed() {
        YamlNode root = read("a: &shared 5s\nb: *shared\n");

        assertThat(root).isNull();
        assertThat(printed())
                .containsExactly(
                        "a (line 1): YAML anchors (&shared) are not supported; write each value"
                                + " in full",
                        "b (line 2): YAML aliases (*shared) are not supported; write the value out"
                                + " in full");
    }

    @Test
    void read_anchorOnAMapping_isAProblemAtItsPath() {
        YamlNode root = read("limits: &common\n  max_headers: 10\n");

        assertThat(root).isNotNull();
        assertThat(printed())
                .containsExactly(
                        "limits (line 1): YAML anchors (&common) are not supported; write each"
                                + " value in full");
    }

    @Test
    void read_tag_isAProblemAtItsPath() {
        read("limits:\n  max_headers: !!int 10\n");

        assertThat(printed())
                .containsExactly(
                        "limits.max_headers (line 2): YAML tags (!!int) are not supported; write"
                                + " the plain value without a tag");
    }

    @Test
    void read_customTag_isAProblem() {
        read("a: !secret x\n");

        assertThat(printed())
                .containsExactly(
                        "a (line 1): YAML tags (!secret) are not supported; write the plain value"
                                + " without a tag");
    }

    @Test
    void read_secondDocument_isAProblemAtItsLine() {
        read("a: 1\n---\nb: 2\n");

        assertThat(printed())
                .containsExactly(
                        "line 3: a second YAML document starts here; a configuration file holds"
                                + " exactly one");
    }

    @Test
    void read_syntaxError_isOneProblemWithItsLine() {
        YamlNode root = read("a: 1\nb: : x\n");

        assertThat(root).isNull();
        assertThat(printed())
                .containsExactly("line 2: not valid YAML: mapping values are not allowed here");
    }

    @Test
    void read_badIndentation_isASyntaxProblemOnTheOffendingLine() {
        read("a:\n  b: 1\n c: 2\n");

        assertThat(printed())
                .containsExactly(
                        "line 3: not valid YAML: expected <block end>, but found '<block mapping"
                                + " start>'");
    }

    @Test
    void read_controlCharacter_isAProblemWithItsLine() {
        read("a: 1\nb: x\u0001y\n");

        assertThat(printed())
                .containsExactly("line 2: not valid YAML: character U+0001 is not allowed in YAML");
    }

    @Test
    void read_listAsKey_isASyntaxProblem() {
        read("? [a, b]\n: 1\n");

        assertThat(printed())
                .containsExactly("line 1: not valid YAML: a mapping key must be a plain value");
    }

    @Test
    void read_nestingPastTheLimit_isRefused() {
        String deep = "[".repeat(YamlReader.MAX_DEPTH + 1) + "]".repeat(YamlReader.MAX_DEPTH + 1);

        YamlNode root = read(deep);

        assertThat(root).isNull();
        assertThat(printed()).singleElement().asString().endsWith("nested deeper than 32 levels");
    }

    @Test
    void read_keyWithSpecialCharacters_isQuotedInThePath() {
        read("limits:\n  \"a b\": 1\n  \"a b\": 2\n");

        assertThat(printed())
                .containsExactly("limits[\"a b\"] (line 3): duplicate key; first given on line 2");
    }

    private YamlNode.Mapping mapping(String text) {
        return (YamlNode.Mapping) Objects.requireNonNull(read(text));
    }

    private @Nullable YamlNode read(String text) {
        return YamlReader.read(text, problems);
    }

    private List<String> printed() {
        return problems.sorted().stream().map(ConfigProblem::toString).toList();
    }

    private static YamlNode.Entry entry(YamlNode.Mapping mapping, String key) {
        return Objects.requireNonNull(mapping.entry(key), key);
    }
}
