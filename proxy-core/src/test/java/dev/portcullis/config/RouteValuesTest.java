package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteValuesTest {

    @ParameterizedTest
    @CsvSource({
        "app.example.com, app.example.com",
        "App.Example.COM, app.example.com",
        "*.example.com, *.example.com",
        "*, *",
        "localhost, localhost",
        "10.0.0.1, 10.0.0.1",
        "my_host.internal, my_host.internal"
    })
    void host_validHost_isLowerCased(String text, String stored) {
        assertThat(RouteValues.host().parse(text)).isEqualTo(stored);
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.example.com:8080", "localhost:80"})
    void host_withPort_isRefused(String text) {
        assertThatThrownBy(() -> RouteValues.host().parse(text))
                .hasMessage("a route host must not include a port: \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*example.com", "a.*.com", "*.*.com", "**"})
    void host_wildcardElsewhereThanTheFirstLabel_isRefused(String text) {
        assertThatThrownBy(() -> RouteValues.host().parse(text))
                .hasMessage(
                        "a wildcard host is written *.example.com and matches sub-domains only: \""
                                + text
                                + "\"");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "app example.com",
                "a..b",
                ".example.com",
                "example.com.",
                "-a.com",
                "a/b",
                "[::1]",
                "ä.com"
            })
    void host_badCharactersOrEmptyLabels_areRefused(String text) {
        assertThatThrownBy(() -> RouteValues.host().parse(text))
                .hasMessage(
                        "not a host name (dot-separated labels of letters, digits, '-' and '_'): \""
                                + text
                                + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", "/api/v1/", "/a%20b", "/~user"})
    void pathPrefix_startingWithSlash_isAccepted(String text) {
        assertThat(RouteValues.pathPrefix().parse(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "*", "./x"})
    void pathPrefix_notStartingWithSlash_isRefused(String text) {
        assertThatThrownBy(() -> RouteValues.pathPrefix().parse(text))
                .hasMessage("a path prefix must start with \"/\": \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a?b", "/a#b", "/a b", "/a\tb", "/a\u0000", "/é"})
    void pathPrefix_forbiddenCharacters_areRefused(String text) {
        assertThatThrownBy(() -> RouteValues.pathPrefix().parse(text))
                .hasMessageStartingWith(
                        "a path prefix must not contain '?', '#', spaces, control or non-ASCII"
                                + " characters: ");
    }
}
