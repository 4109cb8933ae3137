package dev.portcullis.server.tls;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestCertificates.Authority;
import dev.portcullis.testing.TestCertificates.Issued;
import dev.portcullis.testing.TestCertificates.KeyFormat;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCounted;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SNI selection, ALPN and reload over real handshakes, on both providers. */
class ServerTlsContextsIT {

    @TempDir static Path dir;

    private static EventLoopGroup group;
    private static TestCertificates certificates;
    private static Authority ca;
    private static SSLContext trusting;
    private static Issued first;
    private static Issued second;
    private static Issued wildcard;
    private static Issued byAddress;

    @BeforeAll
    static void issue() {
        group = TlsProviders.newEventLoop();
        certificates = new TestCertificates(dir);
        ca = certificates.newAuthority("SNI Test CA");
        trusting = ca.trustingClient();
        first = ca.server("first.test").issue();
        second = ca.server("second.test").issue();
        wildcard = ca.server("*.wild.test").issue();
        byAddress = ca.server().ips("127.0.0.1").issue();
    }

    @AfterAll
    static void stop() {
        TlsProviders.shutdown(group);
    }

    static Stream<SslProvider> providers() {
        return TlsProviders.both();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void sni_twoNames_eachGetsItsOwnCertificate(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, false, first.write(), second.write())) {
            assertThat(serial(fixture, "first.test")).isEqualTo(first.serial());
            assertThat(serial(fixture, "second.test")).isEqualTo(second.serial());
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void sni_wildcardName_coversExactlyOneLabel(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, false, first.write(), wildcard.write())) {
            assertThat(serial(fixture, "api.wild.test")).isEqualTo(wildcard.serial());
            assertThat(serial(fixture, "deep.api.wild.test")).isEqualTo(first.serial());
            assertThat(serial(fixture, "wild.test")).isEqualTo(first.serial());
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void sni_unknownName_getsFirstCertificate(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, false, second.write(), first.write())) {
            assertThat(serial(fixture, "unknown.test")).isEqualTo(second.serial());
        }
    }

    @Test
    void noSni_connectionToAddressInCertificate_getsThatCertificate() throws Exception {
        try (TlsFixture fixture = start(SslProvider.JDK, false, first.write(), byAddress.write())) {
            // Connecting by address, the JDK sends no SNI at all.
            var summary = JdkClient.to(fixture.port(), trusting).handshake();

            assertThat(summary.peer().getSerialNumber()).isEqualTo(byAddress.serial());
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void alpn_http2Enabled_agreesOnH2(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, true, first.write())) {
            var summary = client(fixture).sni("first.test").alpn("h2", "http/1.1").handshake();

            assertThat(summary.applicationProtocol()).isEqualTo("h2");
            assertThat(fixture.server.handshakes())
                    .extracting(TlsTestServer.Handshake::applicationProtocol)
                    .containsExactly("h2");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void alpn_http2Disabled_agreesOnHttp11(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, false, first.write())) {
            var summary = client(fixture).sni("first.test").alpn("h2", "http/1.1").handshake();

            assertThat(summary.applicationProtocol()).isEqualTo("http/1.1");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void alpn_http2DisabledAndClientOffersOnlyH2_agreesOnNothing(SslProvider provider)
            throws Exception {
        try (TlsFixture fixture = start(provider, false, first.write())) {
            var summary = client(fixture).sni("first.test").alpn("h2").handshake();

            assertThat(summary.applicationProtocol()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void reload_replacedFiles_newHandshakeGetsNewCertificateWhileOpenConnectionWorks(
            SslProvider provider) throws Exception {
        CertificateConfig files = first.write();
        try (TlsFixture fixture = start(provider, false, files)) {
            try (JdkClient.Connection open = client(fixture).sni("first.test").open()) {
                assertThat(open.exchange()).isEqualTo(TlsTestServer.REPLY_TEXT);
                Issued renewed = ca.server("first.test").issue();
                renewed.writeTo(files.certFile(), files.keyFile(), KeyFormat.PKCS8);

                ReloadResult result = fixture.contexts.reload();

                assertThat(result.applied()).isTrue();
                assertThat(serial(fixture, "first.test")).isEqualTo(renewed.serial());
                assertThat(open.exchange()).isEqualTo(TlsTestServer.REPLY_TEXT);
                assertThat(open.peer().getSerialNumber()).isEqualTo(first.serial());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void reload_keyOfAnotherCertificate_keepsServingTheOldOne(SslProvider provider)
            throws Exception {
        CertificateConfig files = first.write();
        try (TlsFixture fixture = start(provider, false, files)) {
            Issued renewed = ca.server("first.test").issue();
            CertificateConfig elsewhere = renewed.write();
            Files.copy(elsewhere.certFile(), files.certFile(), REPLACE_EXISTING);

            ReloadResult result = fixture.contexts.reload();

            assertThat(result.applied()).isFalse();
            assertThat(result.problems())
                    .extracting(TlsProblem::message)
                    .singleElement()
                    .asString()
                    .startsWith("certificates[0].key_file: " + files.keyFile())
                    .contains("does not belong to the certificate");
            assertThat(serial(fixture, "first.test")).isEqualTo(first.serial());
        }
    }

    @Test
    void reload_replacedOpenSslContext_isReleasedWhenItsLastConnectionCloses() throws Exception {
        try (TlsFixture fixture = start(SslProvider.OPENSSL_REFCNT, false, first.write())) {
            SslContext replaced = fixture.contexts.mapping().map("first.test");
            JdkClient.Connection open = client(fixture).sni("first.test").open();
            open.exchange();

            fixture.contexts.reload();
            assertThat(((ReferenceCounted) replaced).refCnt()).isPositive();
            assertThat(open.exchange()).isEqualTo(TlsTestServer.REPLY_TEXT);
            open.close();

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(
                            () -> assertThat(((ReferenceCounted) replaced).refCnt()).isZero());
        }
    }

    private static TlsFixture start(
            SslProvider provider, boolean http2, CertificateConfig... certificates)
            throws TlsConfigException {
        TlsConfig config = TlsFixture.config(http2, certificates);
        return TlsFixture.start(group, provider, config);
    }

    private static JdkClient client(TlsFixture fixture) {
        return JdkClient.to(fixture.port(), trusting);
    }

    private static BigInteger serial(TlsFixture fixture, String sni) throws Exception {
        return client(fixture).sni(sni).handshake().peer().getSerialNumber();
    }
}
