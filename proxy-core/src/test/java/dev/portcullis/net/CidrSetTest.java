package dev.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CidrSetTest {

    private static CidrSet setOf(String... blocks) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String block : blocks) {
            cidrs.add(Cidr.parse(block));
        }
        return CidrSet.of(cidrs);
    }

    private static byte[] bytes(String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        assertThat(bytes).as(address).isNotNull();
        return bytes;
    }

    @Test
    void contains_ipv4InsideBlock_isTrue() {
        CidrSet set = setOf("10.0.0.0/8", "192.168.1.0/24");

        assertThat(set.contains(bytes("10.200.3.4"))).isTrue();
        assertThat(set.contains(bytes("192.168.1.255"))).isTrue();
    }

    @Test
    void contains_ipv4OutsideEveryBlock_isFalse() {
        CidrSet set = setOf("10.0.0.0/8", "192.168.1.0/24");

        assertThat(set.contains(bytes("11.0.0.1"))).isFalse();
        assertThat(set.contains(bytes("192.168.2.1"))).isFalse();
    }

    @Test
    void contains_ipv6InsideAndOutsideBlock_answersByPrefix() {
        CidrSet set = setOf("2001:db8:1234::/48");

        assertThat(set.contains(bytes("2001:db8:1234:ffff::1"))).isTrue();
        assertThat(set.contains(bytes("2001:db8:1235::1"))).isFalse();
    }

    @Test
    void contains_ipv4MappedIpv6Address_matchesIpv4Block() {
        CidrSet set = setOf("203.0.113.0/24");

        assertThat(set.contains(bytes("::ffff:203.0.113.9"))).isTrue();
        assertThat(set.contains(bytes("::ffff:203.0.114.9"))).isFalse();
    }

    @Test
    void contains_ipv4Address_matchesIpv6BlockOfMappedAddresses() {
        CidrSet set = setOf("::ffff:0:0/96");

        assertThat(set.contains(bytes("198.51.100.7"))).isTrue();
    }

    @Test
    void contains_unmappedIpv6Address_missesIpv4Blocks() {
        CidrSet set = setOf("0.0.0.0/0");

        assertThat(set.contains(bytes("2001:db8::1"))).isFalse();
        assertThat(set.contains(bytes("::1"))).isFalse();
    }

    @Test
    void contains_ipv4SlashZero_matchesEveryIpv4Address() {
        CidrSet set = setOf("0.0.0.0/0");

        assertThat(set.contains(bytes("0.0.0.0"))).isTrue();
        assertThat(set.contains(bytes("255.255.255.255"))).isTrue();
        assertThat(set.contains(bytes("::ffff:1.2.3.4"))).isTrue();
    }

    @Test
    void contains_ipv6SlashZero_matchesEveryIpv6Address() {
        CidrSet set = setOf("::/0");

        assertThat(set.contains(bytes("::"))).isTrue();
        assertThat(set.contains(bytes("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
    }

    @Test
    void contains_slash32_matchesOnlyThatAddress() {
        CidrSet set = setOf("198.51.100.7/32");

        assertThat(set.contains(bytes("198.51.100.7"))).isTrue();
        assertThat(set.contains(bytes("198.51.100.6"))).isFalse();
        assertThat(set.contains(bytes("198.51.100.8"))).isFalse();
    }

    @Test
    void contains_slash128_matchesOnlyThatAddress() {
        CidrSet set = setOf("2001:db8::7/128");

        assertThat(set.contains(bytes("2001:db8::7"))).isTrue();
        assertThat(set.contains(bytes("2001:db8::6"))).isFalse();
        assertThat(set.contains(bytes("2001:db8::8"))).isFalse();
    }

    @Test
    void contains_prefixNotOnByteBoundary_masksInsideTheByte() {
        CidrSet set = setOf("172.16.0.0/12", "2001:db8:8000::/33");

        assertThat(set.contains(bytes("172.31.255.255"))).isTrue();
        assertThat(set.contains(bytes("172.32.0.0"))).isFalse();
        assertThat(set.contains(bytes("2001:db8:ffff::1"))).isTrue();
        assertThat(set.contains(bytes("2001:db8:7fff::1"))).isFalse();
    }

    @Test
    void contains_inetAddress_answersLikeBytes() throws UnknownHostException {
        CidrSet set = setOf("10.0.0.0/8");

        assertThat(set.contains(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(set.contains(InetAddress.getByName("11.1.2.3"))).isFalse();
    }

    @Test
    void contains_arrayOfWrongLength_isFalse() {
        CidrSet set = setOf("0.0.0.0/0", "::/0");

        assertThat(set.contains(new byte[5])).isFalse();
    }

    @Test
    void empty_anyAddress_isNotContained() {
        CidrSet set = CidrSet.empty();

        assertThat(set.isEmpty()).isTrue();
        assertThat(set.size()).isZero();
        assertThat(set.contains(bytes("10.0.0.1"))).isFalse();
        assertThat(set.contains(bytes("2001:db8::1"))).isFalse();
    }

    @Test
    void of_duplicateBlocks_countOnce() {
        CidrSet set = setOf("10.0.0.0/8", "10.0.0.0/8", "2001:db8::/32");

        assertThat(set.size()).isEqualTo(2);
        assertThat(set.isEmpty()).isFalse();
        assertThat(set.blocks())
                .containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"));
    }

    @Test
    void contains_thousandsOfBlocks_agreesWithEachBlock() {
        Random random = new Random(7);
        List<Cidr> blocks = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            blocks.add(randomBlock(random));
        }
        CidrSet set = CidrSet.of(blocks);

        int matches = 0;
        int lookups = 4_000;
        for (int i = 0; i < lookups; i++) {
            byte[] address =
                    i % 2 == 0
                            ? addressInside(blocks.get(i % blocks.size()), random)
                            : randomAddress(random);
            boolean expected = blocks.stream().anyMatch(block -> block.contains(address));
            assertThat(set.contains(address))
                    .as(NetUtil.bytesToIpAddress(address))
                    .isEqualTo(expected);
            matches += expected ? 1 : 0;
        }
        assertThat(matches)
                .as("both outcomes are exercised")
                .isBetween(lookups / 2, lookups * 9 / 10);
    }

    private static Cidr randomBlock(Random random) {
        byte[] address = randomAddress(random);
        int prefix = 16 + random.nextInt(address.length * 8 - 15);
        for (int bit = prefix; bit < address.length * 8; bit++) {
            address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return Cidr.parse(NetUtil.bytesToIpAddress(address) + "/" + prefix);
    }

    private static byte[] randomAddress(Random random) {
        // Few distinct leading bytes, so that random addresses often fall inside random blocks.
        byte[] address = new byte[random.nextInt(3) == 0 ? 16 : 4];
        random.nextBytes(address);
        address[0] = (byte) (0x20 + random.nextInt(4));
        return address;
    }

    private static byte[] addressInside(Cidr block, Random random) {
        byte[] address = block.networkBytes().clone();
        for (int bit = block.prefixLength(); bit < address.length * 8; bit++) {
            if (random.nextBoolean()) {
                address[bit / 8] |= (byte) (0x80 >>> (bit % 8));
            }
        }
        return address;
    }
}
