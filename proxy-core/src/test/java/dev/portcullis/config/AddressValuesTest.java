package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressValuesTest {

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0:8080, 0.0.0.0, 8080",
        "127.0.0.1:0, 127.0.0.1, 0",
        "10.1.2.3:65535, 10.1.2.3, 65535",
        "[::]:8080, ::, 8080",
        "[0:0:0:0:0:0:0:1]:80, ::1, 80",
        "[2001:DB8::1]:443, 2001:db8::1, 443",
        "localhost:9901, localhost, 9901",
        "LocalHost:9901, localhost, 9901"
    })
    void bind_hostAndPort_isParsedToCanonicalForm(String text, String host, int port) {
        assertThat(AddressValues.bind().parse(text)).isEqualTo(new BindAddress(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080", "[::1]8080", "[::1", "localhost"})
    void bind_notHostAndPort_showsTheForm(String text) {
        assertThatThrownBy(() -> AddressValues.bind().parse(text))
                .hasMessage(
                        "not host:port (an IP address, [IPv6 address] or localhost, then a port),"
                                + " e.g. 0.0.0.0:8080: \""
                                + text
                                + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com:80", "256.0.0.1:80", ":80", "10.0.0:80"})
    void bind_hostNotAnAddress_isRefused(String text) {
        assertThatThrownBy(() -> AddressValues.bind().parse(text))
                .hasMessage(
                        "the host must be an IP address or localhost (names are not looked up): \""
                                + text
                                + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1:80", ":::80"})
    void bind_ipv6WithoutBrackets_asksForBrackets(String text) {
        assertThatThrownBy(() -> AddressValues.bind().parse(text))
                .hasMessage(
                        "an IPv6 address must be written in brackets, e.g. [::]:8080: \""
                                + text
                                + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[zz::1]:80", "[10.0.0.1]:80"})
    void bind_bracketsWithoutAnIpv6Address_isRefused(String text) {
        assertThatThrownBy(() -> AddressValues.bind().parse(text))
                .hasMessage("not an IPv6 address between the brackets: \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:65536", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:http"})
    void bind_badPort_givesThePortRange(String text) {
        assertThatThrownBy(() -> AddressValues.bind().parse(text))
                .hasMessage("the port must be a number from 0 to 65535: \"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:3000, http://127.0.0.1:3000",
        "http://127.0.0.1:3000/, http://127.0.0.1:3000",
        "HTTPS://App.Example.COM, https://app.example.com",
        "http://[::1]:8080, http://[::1]:8080",
        "http://app, http://app"
    })
    void backendUrl_baseUrl_isNormalised(String text, String normalised) {
        assertThat(AddressValues.backendUrl().parse(text)).isEqualTo(URI.create(normalised));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x", "localhost:3000", "app", "mailto:ops@example.com", "//app"})
    void backendUrl_notHttp_isRefused(String text) {
        assertThatThrownBy(() -> AddressValues.backendUrl().parse(text))
                .hasMessage("not an http or https URL: \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://a b", "http://app:3000/%zz", "http://[::1", "http://"})
    void backendUrl_malformed_isNotAUrl(String text) {
        assertThatThrownBy(() -> AddressValues.backendUrl().parse(text))
                .hasMessage("not a URL: \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http:///x", "https:///"})
    void backendUrl_noHost_isRefused(String text) {
        assertThatThrownBy(() -> AddressValues.backendUrl().parse(text))
                .hasMessageStartingWith("a backend URL needs a host: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://my_app:3000", "http://:3000"})
    void backendUrl_invalidHostName_isRefused(String text) {
        assertThatThrownBy(() -> AddressValues.backendUrl().parse(text))
                .hasMessage(
                        "not a valid host name in a backend URL (letters, digits, '-' and '.'): \""
                                + text
                                + "\"");
    }

    @ParameterizedTest
    @CsvSource({
        "http://user:secret@app:3000, http://***@app:3000",
        "http://user@app:3000, http://***@app:3000"
    })
    void backendUrl_userInfo_isRefusedWithoutShowingIt(String text, String shown) {
        assertThatThrownBy(() -> AddressValues.backendUrl().parse(text))
                .hasMessage("a backend URL must not contain user info: \"" + shown + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://app:3000/?x=1", "http://app:3000#top", "http://app?"})
    void backendUrl_queryOrFragment_isRefused(String text) {
        assertThatThrownBy(() -> AddressValues.backendUrl().parse(text))
                .hasMessage("a backend URL must not have a query or fragment: \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://app:3000/api", "http://app//"})
    void backendUrl_path_isRefused(String text) {
        assertThatThrownBy(() -> AddressValues.backendUrl().parse(text))
                .hasMessage(
                        "a backend URL must not have a path other than \"/\": \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://app:0", "http://app:65536", "http://app:99999999"})
    void backendUrl_portOutOfRange_isRefused(String text) {
        assertThatThrownBy(() -> AddressValues.backendUrl().parse(text))
                .hasMessage("the port of a backend URL must be from 1 to 65535: \"" + text + "\"");
    }
}
