package dev.portcullis.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @Test
    void clashesWith_sameHostAndPort_clashes() {
        assertThat(new Endpoint("127.0.0.1", 80).clashesWith(new Endpoint("127.0.0.1", 80)))
                .isTrue();
    }

    @Test
    void clashesWith_differentHostsSamePort_doesNotClash() {
        assertThat(new Endpoint("127.0.0.1", 80).clashesWith(new Endpoint("10.0.0.1", 80)))
                .isFalse();
    }

    @Test
    void clashesWith_ipv4WildcardOnEitherSide_clashes() {
        assertThat(new Endpoint("0.0.0.0", 80).clashesWith(new Endpoint("10.0.0.1", 80))).isTrue();
        assertThat(new Endpoint("10.0.0.1", 80).clashesWith(new Endpoint("0.0.0.0", 80))).isTrue();
    }

    @Test
    void clashesWith_ipv6Wildcard_clashesWithAnyAddress() {
        assertThat(new Endpoint("::", 80).clashesWith(new Endpoint("127.0.0.1", 80))).isTrue();
    }

    @Test
    void clashesWith_differentPorts_doesNotClash() {
        assertThat(new Endpoint("0.0.0.0", 80).clashesWith(new Endpoint("0.0.0.0", 81))).isFalse();
    }

    @Test
    void clashesWith_portZero_neverClashes() {
        assertThat(new Endpoint("0.0.0.0", 0).clashesWith(new Endpoint("0.0.0.0", 0))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:7f00:1"})
    void isLoopback_loopbackAddress_isTrue(String host) {
        assertThat(new Endpoint(host, 9901).isLoopback()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "::2", "fe80::1%eth0", "1::1"})
    void isLoopback_otherAddress_isFalse(String host) {
        assertThat(new Endpoint(host, 9901).isLoopback()).isFalse();
    }

    @Test
    void toString_ipv6_isBracketed() {
        assertThat(new Endpoint("::1", 8080)).hasToString("[::1]:8080");
    }
}
