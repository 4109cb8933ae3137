package dev.portcullis.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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

    @Test
    void toString_ipv6_isBracketed() {
        assertThat(new Endpoint("::1", 8080)).hasToString("[::1]:8080");
    }
}
