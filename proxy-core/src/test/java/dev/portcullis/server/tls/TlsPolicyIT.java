package dev.portcullis.server.tls;

import static dev.portcullis.server.tls.RawClientHello.ALERT_HANDSHAKE_FAILURE;
import static dev.portcullis.server.tls.RawClientHello.ALERT_PROTOCOL_VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestCertificates.Authority;
import dev.portcullis.testing.TestCertificates.KeyType;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protocol and suite policy over real handshakes, on both providers: what is accepted and what
 * is refused, and that the refusal comes from the server.
 */
class TlsPolicyIT {

    private static final String EC_NAME = "localhost";
    private static final String RSA_NAME = "rsa.test";

    @TempDir static Path dir;

    private static EventLoopGroup group;
    private static Authority ca;
    private static SSLContext trusting;
    private static final Map<SslProvider, TlsFixture> FIXTURES = new EnumMap<>(SslProvider.class);

    @BeforeAll
    static void start() throws Exception {
        group = TlsProviders.newEventLoop();
        TestCertificates certificates = new TestCertificates(dir);
        ca = certificates.newAuthority("Policy Test CA");
        trusting = ca.trustingClient();
        var ec = ca.server(EC_NAME).issue().write();
        var rsa = ca.server(RSA_NAME).keyType(KeyType.RSA).issue().write();
        for (SslProvider provider : TlsProviders.both().toList()) {
            FIXTURES.put(
                    provider, TlsFixture.start(group, provider, TlsFixture.config(false, ec, rsa)));
        }
    }

    @AfterAll
    static void stop() {
        FIXTURES.values().forEach(TlsFixture::close);
        TlsProviders.shutdown(group);
    }

    static Stream<SslProvider> providers() {
        return TlsProviders.both();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_tls13_succeedsWithPolicySuite(SslProvider provider) throws Exception {
        var summary = client(provider).sni(EC_NAME).protocols("TLSv1.3").handshake();

        assertThat(summary.protocol()).isEqualTo("TLSv1.3");
        assertThat(summary.cipherSuite()).isIn(TlsPolicy.CIPHER_SUITES);
        assertThat(summary.reply()).isEqualTo(TlsTestServer.REPLY_TEXT);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_tls12EcCertificate_choosesServersFirstSuite(SslProvider provider)
            throws Exception {
        var summary =
                client(provider)
                        .sni(EC_NAME)
                        .protocols("TLSv1.2")
                        .suites(
                                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
                        .handshake();

        assertThat(summary.protocol()).isEqualTo("TLSv1.2");
        assertThat(summary.cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(summary.reply()).isEqualTo(TlsTestServer.REPLY_TEXT);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_tls12RsaCertificate_usesEcdheRsaAead(SslProvider provider) throws Exception {
        var summary = client(provider).sni(RSA_NAME).protocols("TLSv1.2").handshake();

        assertThat(summary.cipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(summary.peer().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void httpClient_trustingTheCa_getsTheResponse(SslProvider provider) throws Exception {
        HttpClient http =
                HttpClient.newBuilder()
                        .sslContext(trusting)
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        URI uri = URI.create("https://localhost:" + fixture(provider).port() + "/");

        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    static Stream<Arguments> protocols() {
        return providers()
                .flatMap(p -> Stream.of(Arguments.of(p, "TLSv1.3"), Arguments.of(p, "TLSv1.2")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protocols")
    void secondConnection_sameClient_resumesTheSession(SslProvider provider, String protocol)
            throws Exception {
        SSLContext client = ca.trustingClient();
        long firstCreated;
        try (var connection = connect(provider, client, protocol)) {
            firstCreated = connection.session().getCreationTime();
        }

        try (var connection = connect(provider, client, protocol)) {
            // The JDK client carries the creation time over into a resumed session only.
            assertThat(connection.session().getCreationTime()).isEqualTo(firstCreated);
        }
    }

    static Stream<Arguments> oldProtocols() {
        return providers()
                .flatMap(
                        p ->
                                Stream.of(
                                        Arguments.of(p, "TLSv1.1", RawClientHello.TLS_1_1),
                                        Arguments.of(p, "TLSv1.0", RawClientHello.TLS_1_0)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("oldProtocols")
    void clientHello_oldProtocol_isRefusedWithProtocolVersionAlert(
            SslProvider provider, String name, int version) throws Exception {
        TlsFixture fixture = fixture(provider);
        double before = fixture.failures(HandshakeFailureReason.PROTOCOL_VERSION);

        var answer =
                RawClientHello.send(
                        fixture.port(),
                        RSA_NAME,
                        version,
                        0xc013, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
                        0xc02f); // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

        assertThat(answer.alert()).as(answer.toString()).isEqualTo(ALERT_PROTOCOL_VERSION);
        awaitCount(fixture, HandshakeFailureReason.PROTOCOL_VERSION, before + 1);
    }

    static Stream<Arguments> refusedSuites() {
        return providers()
                .flatMap(
                        p ->
                                Stream.of(
                                        Arguments.of(p, "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009c),
                                        Arguments.of(
                                                p, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009e),
                                        Arguments.of(
                                                p, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xc027),
                                        Arguments.of(
                                                p, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc013)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refusedSuites")
    void clientHello_onlyRefusedSuite_isRefusedWithHandshakeFailure(
            SslProvider provider, String name, int suite) throws Exception {
        TlsFixture fixture = fixture(provider);
        double before = fixture.failures(HandshakeFailureReason.NO_SHARED_CIPHER);

        var answer = RawClientHello.send(fixture.port(), RSA_NAME, RawClientHello.TLS_1_2, suite);

        assertThat(answer.alert()).as(answer.toString()).isEqualTo(ALERT_HANDSHAKE_FAILURE);
        awaitCount(fixture, HandshakeFailureReason.NO_SHARED_CIPHER, before + 1);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void clientHello_policySuite_getsServerHello(SslProvider provider) throws Exception {
        var answer =
                RawClientHello.send(
                        fixture(provider).port(),
                        RSA_NAME,
                        RawClientHello.TLS_1_2,
                        0xc02f); // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

        assertThat(answer.serverHello()).as(answer.toString()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void jdkClient_onlyCbcSuite_isRefusedByTheServer(SslProvider provider) {
        TlsFixture fixture = fixture(provider);
        double before = fixture.failures(HandshakeFailureReason.NO_SHARED_CIPHER);

        assertThatThrownBy(
                        () ->
                                client(provider)
                                        .sni(RSA_NAME)
                                        .protocols("TLSv1.2")
                                        .suites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")
                                        .handshake())
                .isInstanceOf(SSLHandshakeException.class);
        awaitCount(fixture, HandshakeFailureReason.NO_SHARED_CIPHER, before + 1);
    }

    private static JdkClient.Connection connect(
            SslProvider provider, SSLContext client, String protocol) throws Exception {
        JdkClient.Connection connection =
                JdkClient.to(fixture(provider).port(), client)
                        .sni(EC_NAME)
                        .protocols(protocol)
                        .open();
        connection.exchange(); // a TLS 1.3 ticket arrives after the handshake
        return connection;
    }

    private static TlsFixture fixture(SslProvider provider) {
        return Objects.requireNonNull(FIXTURES.get(provider));
    }

    private static JdkClient client(SslProvider provider) {
        return JdkClient.to(fixture(provider).port(), trusting);
    }

    private static void awaitCount(
            TlsFixture fixture, HandshakeFailureReason reason, double expected) {
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(fixture.failures(reason)).isEqualTo(expected));
    }
}
