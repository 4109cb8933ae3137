package dev.portcullis.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestCertificates.Authority;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslProvider;
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

/** Client certificates (mutual TLS) and the verified subject for the backend. */
class ClientCertificatesIT {

    private static final String NAME = "mtls.test";

    @TempDir static Path dir;

    private static EventLoopGroup group;
    private static Authority serverCa;
    private static Authority clientCa;
    private static Authority strangerCa;
    private static CertificateConfig serverCertificate;

    @BeforeAll
    static void issue() {
        group = TlsProviders.newEventLoop();
        TestCertificates certificates = new TestCertificates(dir);
        serverCa = certificates.newAuthority("Server CA");
        clientCa = certificates.newAuthority("Client CA");
        strangerCa = certificates.newAuthority("Stranger CA");
        serverCertificate = serverCa.server(NAME).issue().write();
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
    void require_clientWithoutCertificate_isRefused(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, ClientAuthMode.REQUIRE)) {
            String outcome = client(fixture, serverCa.trustingClient()).attempt();

            assertThat(outcome).startsWith("refused: ");
            awaitFailure(fixture, HandshakeFailureReason.BAD_CERTIFICATE);
            assertThat(fixture.server.handshakes()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void require_clientSignedByClientCa_isServedAndItsSubjectReported(SslProvider provider)
            throws Exception {
        var alice = clientCa.client("CN=alice,OU=ops,O=Example").issue();

        try (TlsFixture fixture = start(provider, ClientAuthMode.REQUIRE)) {
            String outcome = client(fixture, serverCa.clientContext(alice)).attempt();

            assertThat(outcome).isEqualTo(TlsTestServer.REPLY_TEXT);
            assertThat(fixture.server.handshakes())
                    .extracting(TlsTestServer.Handshake::clientSubject)
                    .containsExactly("CN=alice,OU=ops,O=Example");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void require_clientSignedByOtherCa_isRefused(SslProvider provider) throws Exception {
        var mallory = strangerCa.client("CN=mallory").issue();

        try (TlsFixture fixture = start(provider, ClientAuthMode.REQUIRE)) {
            String outcome = client(fixture, serverCa.clientContext(mallory)).attempt();

            assertThat(outcome).startsWith("refused: ");
            awaitFailure(fixture, HandshakeFailureReason.BAD_CERTIFICATE);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void optional_clientWithoutCertificate_isServedWithoutSubject(SslProvider provider)
            throws Exception {
        try (TlsFixture fixture = start(provider, ClientAuthMode.OPTIONAL)) {
            String outcome = client(fixture, serverCa.trustingClient()).attempt();

            assertThat(outcome).isEqualTo(TlsTestServer.REPLY_TEXT);
            assertThat(fixture.server.handshakes())
                    .extracting(TlsTestServer.Handshake::clientSubject)
                    .containsExactly((String) null);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void optional_clientSignedByOtherCa_isRefusedNotServedUnverified(SslProvider provider)
            throws Exception {
        var mallory = strangerCa.client("CN=mallory").issue();

        try (TlsFixture fixture = start(provider, ClientAuthMode.OPTIONAL)) {
            String outcome = client(fixture, serverCa.clientContext(mallory)).attempt();

            assertThat(outcome).startsWith("refused: ");
            assertThat(fixture.server.handshakes()).isEmpty();
        }
    }

    @Test
    void subject_nonAsciiAndLineBreak_isEscapedForAHeader() throws Exception {
        var renee = clientCa.client("CN=Ren\u00e9e\nX-Admin: yes,O=Example").issue();

        try (TlsFixture fixture = start(SslProvider.JDK, ClientAuthMode.REQUIRE)) {
            client(fixture, serverCa.clientContext(renee)).attempt();

            assertThat(fixture.server.handshakes())
                    .extracting(TlsTestServer.Handshake::clientSubject)
                    .containsExactly("CN=Ren\\C3\\A9e\\0AX-Admin: yes,O=Example");
        }
    }

    private static TlsFixture start(SslProvider provider, ClientAuthMode mode)
            throws TlsConfigException {
        return TlsFixture.start(
                group, provider, TlsFixture.config(mode, clientCa.certFile(), serverCertificate));
    }

    private static JdkClient client(TlsFixture fixture, SSLContext context) {
        return JdkClient.to(fixture.port(), context).sni(NAME);
    }

    private static void awaitFailure(TlsFixture fixture, HandshakeFailureReason reason) {
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(fixture.failures(reason)).isEqualTo(1));
    }
}
