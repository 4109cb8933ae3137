package dev.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {

    private static final InetAddress TRUSTED_PEER = address("10.0.0.1");
    private static final InetAddress UNTRUSTED_PEER = address("198.51.100.1");

    private final ClientAddressResolver resolver =
            new ClientAddressResolver(
                    CidrSet.of(
                            List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:ffff::/48"))));

    private static InetAddress address(String literal) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(literal);
        assertThat(address).as(literal).isNotNull();
        return address;
    }

    private static HttpHeaders forwardedFor(String... lines) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String line : lines) {
            headers.add("X-Forwarded-For", line);
        }
        return headers;
    }

    private InetAddress resolveFromTrustedPeer(String... lines) {
        return resolver.resolve(TRUSTED_PEER, forwardedFor(lines));
    }

    @Test
    void resolve_untrustedPeer_ignoresForwardedFor() {
        InetAddress client = resolver.resolve(UNTRUSTED_PEER, forwardedFor("203.0.113.9"));

        assertThat(client).isEqualTo(UNTRUSTED_PEER);
    }

    @Test
    void resolve_noTrustedProxies_returnsPeer() {
        ClientAddressResolver trustingNobody = new ClientAddressResolver(CidrSet.empty());

        InetAddress client = trustingNobody.resolve(TRUSTED_PEER, forwardedFor("203.0.113.9"));

        assertThat(client).isEqualTo(TRUSTED_PEER);
    }

    @Test
    void resolve_trustedPeerWithoutForwardedFor_returnsPeer() {
        InetAddress client = resolver.resolve(TRUSTED_PEER, new DefaultHttpHeaders());

        assertThat(client).isEqualTo(TRUSTED_PEER);
    }

    @Test
    void resolve_trustedPeer_returnsForwardedClient() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9");

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_chainOfTrustedProxies_skipsThemToFirstUntrustedHop() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9, 10.0.0.3, 2001:db8:ffff::2");

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_spoofedLeftMostEntries_areIgnored() {
        InetAddress client = resolveFromTrustedPeer("10.0.0.99, 1.1.1.1, 203.0.113.9, 10.0.0.3");

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_garbageHop_returnsNearestValidHopToItsRight() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9, unknown, 10.0.0.3");

        assertThat(client).isEqualTo(address("10.0.0.3"));
    }

    @Test
    void resolve_garbageRightMostHop_returnsPeer() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9, not-an-address");

        assertThat(client).isEqualTo(TRUSTED_PEER);
    }

    @Test
    void resolve_hostNameHop_isGarbageAndNotLookedUp() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9, localhost");

        assertThat(client).isEqualTo(TRUSTED_PEER);
    }

    @Test
    void resolve_ipv4WithLeadingZeros_isGarbage() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9, 010.0.0.3");

        assertThat(client).isEqualTo(TRUSTED_PEER);
    }

    @Test
    void resolve_ipv6WithZoneId_isGarbage() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9, fe80::1%eth0");

        assertThat(client).isEqualTo(TRUSTED_PEER);
    }

    @Test
    void resolve_hopsWithPorts_ignoresThePorts() {
        InetAddress client = resolveFromTrustedPeer("[2001:db8::7]:443, 10.0.0.3:8080");

        assertThat(client).isEqualTo(address("2001:db8::7"));
    }

    @Test
    void resolve_ipv4HopWithPort_returnsTheAddress() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9:51234");

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_bracketedIpv6WithoutPort_returnsTheAddress() {
        InetAddress client = resolveFromTrustedPeer("[2001:db8::7]");

        assertThat(client).isEqualTo(address("2001:db8::7"));
    }

    @Test
    void resolve_portOutOfRange_isGarbage() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9:65536");

        assertThat(client).isEqualTo(TRUSTED_PEER);
    }

    @Test
    void resolve_bracketedIpv4_isGarbage() {
        InetAddress client = resolveFromTrustedPeer("[203.0.113.9]:80");

        assertThat(client).isEqualTo(TRUSTED_PEER);
    }

    @Test
    void resolve_ipv4MappedHop_returnsIpv4Address() {
        InetAddress client = resolveFromTrustedPeer("::ffff:203.0.113.9");

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_ipv4MappedTrustedHop_isSkipped() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9, ::ffff:10.0.0.3");

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_multipleHeaderLines_formOneListInArrivalOrder() {
        InetAddress client = resolveFromTrustedPeer("198.51.100.7", "203.0.113.9, 10.0.0.3");

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_trustedHopsSpanningLines_continueIntoEarlierLine() {
        InetAddress client = resolveFromTrustedPeer("198.51.100.7, 10.0.0.4", "10.0.0.3");

        assertThat(client).isEqualTo(address("198.51.100.7"));
    }

    @Test
    void resolve_spacesTabsAndEmptyElements_areIgnored() {
        InetAddress client = resolveFromTrustedPeer("203.0.113.9 ,, \t10.0.0.3\t,,10.0.0.4");

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_everyHopTrusted_returnsLeftMostHop() {
        InetAddress client = resolveFromTrustedPeer("10.0.0.5, 10.0.0.4, 10.0.0.3");

        assertThat(client).isEqualTo(address("10.0.0.5"));
    }

    @Test
    void resolve_untrustedHopAtTheHopLimit_isReached() {
        String hops = "203.0.113.9, " + trustedHops(ClientAddressResolver.MAX_HOPS - 1);

        InetAddress client = resolveFromTrustedPeer(hops);

        assertThat(client).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void resolve_untrustedHopBeyondTheHopLimit_isNotReached() {
        String hops = "203.0.113.9, " + trustedHops(ClientAddressResolver.MAX_HOPS);

        InetAddress client = resolveFromTrustedPeer(hops);

        assertThat(client).isEqualTo(address("10.0.0." + ClientAddressResolver.MAX_HOPS));
    }

    /** Returns {@code 10.0.0.count, ..., 10.0.0.2, 10.0.0.1}. */
    private static String trustedHops(int count) {
        StringJoiner hops = new StringJoiner(", ");
        for (int hop = count; hop >= 1; hop--) {
            hops.add("10.0.0." + hop);
        }
        return hops.toString();
    }
}
