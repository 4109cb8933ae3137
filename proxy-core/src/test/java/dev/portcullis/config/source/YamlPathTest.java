package dev.portcullis.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class YamlPathTest {

    @Test
    void key_atTheTop_isTheKeyAlone() {
        assertThat(YamlPath.key("", "limits")).isEqualTo("limits");
    }

    @Test
    void key_nested_isJoinedWithADot() {
        assertThat(YamlPath.key("upstreams[0]", "backends")).isEqualTo("upstreams[0].backends");
    }

    @Test
    void index_isWrittenInBrackets() {
        assertThat(YamlPath.index("upstreams[0].backends", 1))
                .isEqualTo("upstreams[0].backends[1]");
    }

    @Test
    void key_withSpacesOrLineBreaks_isQuotedInBrackets() {
        assertThat(YamlPath.key("limits", "a b\nc")).isEqualTo("limits[\"a b\\nc\"]");
    }
}
