package dev.portcullis.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigProblemTest {

    @Test
    void toString_pathAndLine_printsPathLineAndMessage() {
        ConfigProblem problem =
                new ConfigProblem(
                        "upstreams[0].backends[1].url",
                        14,
                        "not an http or https URL: \"ftp://x\"");

        assertThat(problem)
                .hasToString(
                        "upstreams[0].backends[1].url (line 14): not an http or https URL:"
                                + " \"ftp://x\"");
    }

    @Test
    void toString_noLine_leavesTheLineOut() {
        assertThat(new ConfigProblem("listeners", 0, "required key is missing"))
                .hasToString("listeners: required key is missing");
    }

    @Test
    void toString_noPathNoLine_isJustTheMessage() {
        assertThat(new ConfigProblem("", 0, "cannot read it")).hasToString("cannot read it");
    }

    @Test
    void toString_lineWithoutPath_startsWithTheLine() {
        assertThat(new ConfigProblem("", 3, "not valid YAML: x"))
                .hasToString("line 3: not valid YAML: x");
    }

    @Test
    void quote_plainText_isWrappedInDoubleQuotes() {
        assertThat(ConfigProblem.quote("ftp://x")).isEqualTo("\"ftp://x\"");
    }

    @Test
    void quote_quotesBackslashesAndLineBreaks_areEscaped() {
        assertThat(ConfigProblem.quote("a\"b\\c\nd\te")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\"");
    }

    @Test
    void quote_invisibleCharacters_areWrittenAsEscapes() {
        assertThat(ConfigProblem.quote("a\u202eb\u0000c")).isEqualTo("\"a\\u202eb\\u0000c\"");
    }

    @Test
    void quote_longText_isCutShortWithItsLength() {
        String quoted = ConfigProblem.quote("x".repeat(150));

        assertThat(quoted).isEqualTo("\"" + "x".repeat(100) + "\"... (150 characters)");
    }
}
