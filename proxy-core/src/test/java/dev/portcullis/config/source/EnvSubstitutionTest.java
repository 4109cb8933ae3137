package dev.portcullis.config.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.validate.ConfigProblem;
import dev.portcullis.config.validate.Problems;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {

    private static final Map<String, String> ENV =
            Map.of("PORT", "9000", "HOST", "10.0.0.1", "EMPTY", "");

    @Test
    void expand_setVariable_isReplacedByItsValue() {
        assertThat(EnvSubstitution.expand("${HOST}:${PORT}", ENV)).isEqualTo("10.0.0.1:9000");
    }

    @Test
    void expand_setVariableWithDefault_usesTheValue() {
        assertThat(EnvSubstitution.expand("${PORT:-8080}", ENV)).isEqualTo("9000");
    }

    @Test
    void expand_unsetVariableWithDefault_usesTheDefault() {
        assertThat(EnvSubstitution.expand("${MISSING:-8080}", ENV)).isEqualTo("8080");
    }

    @Test
    void expand_emptyVariableWithDefault_usesTheDefault() {
        assertThat(EnvSubstitution.expand("${EMPTY:-fallback}", ENV)).isEqualTo("fallback");
    }

    @Test
    void expand_emptyDefault_givesEmptyText() {
        assertThat(EnvSubstitution.expand("${MISSING:-}", ENV)).isEmpty();
    }

    @Test
    void expand_unsetVariableWithoutDefault_isRefusedNamingTheVariable() {
        assertThatThrownBy(() -> EnvSubstitution.expand("${MISSING}", ENV))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "environment variable MISSING is not set and has no default; write"
                                + " ${MISSING:-value} to give one");
    }

    @Test
    void expand_doubleDollar_isALiteralDollar() {
        assertThat(EnvSubstitution.expand("pa$$word $${PORT}", ENV)).isEqualTo("pa$word ${PORT}");
    }

    @Test
    void expand_loneDollar_isKept() {
        assertThat(EnvSubstitution.expand("a$b $", ENV)).isEqualTo("a$b $");
    }

    @Test
    void expand_unclosedBrace_isRefused() {
        assertThatThrownBy(() -> EnvSubstitution.expand("${PORT", ENV))
                .hasMessage(
                        "\"${\" is not closed with \"}\"; write $$ for a literal $: \"${PORT\"");
    }

    @Test
    void expand_badName_isRefused() {
        assertThatThrownBy(() -> EnvSubstitution.expand("${A-B}", ENV))
                .hasMessage("not an environment variable name (letters, digits and '_'): \"A-B\"");
    }

    @Test
    void expand_valueContainingReferences_isNotExpandedAgain() {
        assertThat(EnvSubstitution.expand("${X}", Map.of("X", "${PORT}"))).isEqualTo("${PORT}");
    }

    @Test
    void apply_valueLookingLikeYaml_staysOneScalar() {
        YamlNode tree =
                new YamlNode.Mapping(1, List.of(entry("name", new YamlNode.Scalar(1, "${X}"))));

        YamlNode result =
                EnvSubstitution.apply(
                        tree, Map.of("X", "a\nadmin: {enabled: false}\n- b"), new Problems());

        assertThat(result)
                .isEqualTo(
                        new YamlNode.Mapping(
                                1,
                                List.of(
                                        entry(
                                                "name",
                                                new YamlNode.Scalar(
                                                        1, "a\nadmin: {enabled: false}\n- b")))));
    }

    @Test
    void apply_unsetVariable_isAProblemAtThePathAndLineOfTheValue() {
        Problems problems = new Problems();
        YamlNode tree =
                new YamlNode.Mapping(
                        1,
                        List.of(
                                entry(
                                        "listeners",
                                        new YamlNode.Sequence(
                                                2,
                                                List.of(
                                                        new YamlNode.Mapping(
                                                                2,
                                                                List.of(
                                                                        entry(
                                                                                "bind",
                                                                                new YamlNode.Scalar(
                                                                                        3,
                                                                                        "${ADDR}")))))))));

        EnvSubstitution.apply(tree, Map.of(), problems);

        assertThat(problems.sorted())
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        "listeners[0].bind (line 3): environment variable ADDR is not set and has"
                                + " no default; write ${ADDR:-value} to give one");
    }

    @Test
    void apply_keys_areNotSubstituted() {
        YamlNode tree =
                new YamlNode.Mapping(1, List.of(entry("${X}", new YamlNode.Scalar(1, "v"))));

        YamlNode result = EnvSubstitution.apply(tree, Map.of("X", "y"), new Problems());

        assertThat(((YamlNode.Mapping) result).entry("${X}")).isNotNull();
    }

    private static YamlNode.Entry entry(String key, YamlNode value) {
        return new YamlNode.Entry(key, value.line(), value);
    }
}
