package dev.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "1.2.3.4", "10.0.0.255", "255.255.255.255", "192.0.2.10"})
    void parseIpv4_dottedQuad_returnsItsValue(String text) {
        long parsed = IpLiterals.parseIpv4(text, 0, text.length());

        byte[] expected = NetUtil.createByteArrayFromIpAddressString(text);
        assertThat(parsed)
                .isEqualTo(
                        (expected[0] & 0xffL) << 24
                                | (expected[1] & 0xff) << 16
                                | (expected[2] & 0xff) << 8
                                | (expected[3] & 0xff));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.4 ", "01.2.3.4", "1.2.3.00",
                "1..3.4", "1.2.3.", ".1.2.3", "1.2.3.4a", "1000.1.1.1", "a.b.c.d", "1.2.3.-4"
            })
    void parseIpv4_notStrictDottedQuad_isRefused(String text) {
        assertThat(IpLiterals.parseIpv4(text, 0, text.length())).isEqualTo(IpLiterals.NOT_IPV4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x1.2.3.4y", "[1.2.3.4]"})
    void parseIpv4_rangeInsideLongerText_readsOnlyTheRange(String text) {
        long parsed = IpLiterals.parseIpv4(text, 1, text.length() - 1);

        assertThat(parsed).isEqualTo(0x01020304L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::1", "::1", "::", "::ffff:192.0.2.1", "fe80:0:0:0:0:0:0:1"})
    void parseIpv6_literal_returnsSixteenBytes(String text) {
        byte[] parsed = IpLiterals.parseIpv6(text, 0, text.length());

        assertThat(parsed).isEqualTo(NetUtil.createByteArrayFromIpAddressString(text));
        assertThat(parsed).hasSize(16);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fe80::1%eth0", "[::1]", "1.2.3.4", "2001:db8::g", "2001::db8::1", ""})
    void parseIpv6_notBareIpv6Literal_isRefused(String text) {
        assertThat(IpLiterals.parseIpv6(text, 0, text.length())).isNull();
    }
}
