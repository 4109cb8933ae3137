package dev.portcullis.server.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.portcullis.config.CertificateConfig;
import dev.portcullis.testing.LogCapture;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestCertificates.Authority;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The handshake counters, fed by real clients that succeed, fail and misbehave; failures must never
 * reach the log above DEBUG.
 */
class HandshakeMetricsIT {

    private static final String NAME = "metrics.test";
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    @TempDir static Path dir;

    private static EventLoopGroup group;
    private static Authority ca;
    private static CertificateConfig certificate;

    private LogCapture log;

    @BeforeAll
    static void issue() {
        group = TlsProviders.newEventLoop();
        ca = new TestCertificates(dir).newAuthority("Metrics CA");
        certificate = ca.server(NAME).issue().write();
    }

    @AfterAll
    static void stop() {
        TlsProviders.shutdown(group);
    }

    @BeforeEach
    void captureLog() {
        log = LogCapture.start();
    }

    @AfterEach
    void stopCapture() {
        log.close();
    }

    static Stream<SslProvider> providers() {
        return TlsProviders.both();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshakes_tls13AndTls12_areCountedByProtocol(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, ServerTlsContexts.HANDSHAKE_TIMEOUT)) {
            client(fixture).protocols("TLSv1.3").handshake();
            client(fixture).protocols("TLSv1.2").handshake();
            client(fixture).protocols("TLSv1.2").handshake();

            await().untilAsserted(
                            () -> {
                                assertThat(fixture.handshakes("TLSv1.3")).isEqualTo(1);
                                assertThat(fixture.handshakes("TLSv1.2")).isEqualTo(2);
                            });
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void clientHangsUpAfterClientHello_countsClosedWithoutWarning(SslProvider provider)
            throws Exception {
        try (TlsFixture fixture = start(provider, ServerTlsContexts.HANDSHAKE_TIMEOUT)) {
            try (Socket socket = connect(fixture)) {
                socket.getOutputStream()
                        .write(RawClientHello.record(NAME, RawClientHello.TLS_1_2, 0xc02b));
                socket.getInputStream().read(); // the ServerHello has begun
                socket.setSoLinger(true, 0); // hang up with a reset, as a dropped client does
            }

            awaitFailure(fixture, HandshakeFailureReason.CLOSED);
            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void clientHangsUpBeforeClientHello_countsClosed(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, ServerTlsContexts.HANDSHAKE_TIMEOUT)) {
            try (Socket socket = connect(fixture)) {
                socket.getOutputStream().write(new byte[] {22, 3, 1}); // a record header begun
            }

            awaitFailure(fixture, HandshakeFailureReason.CLOSED);
            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void silentClient_isClosedAtTheTimeoutAndCounted(SslProvider provider) throws Exception {
        try (TlsFixture fixture = start(provider, SHORT_TIMEOUT);
                Socket socket = connect(fixture)) {
            awaitServerClose(socket);

            awaitFailure(fixture, HandshakeFailureReason.TIMEOUT);
            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void clientStallingAfterClientHello_isClosedWithinTheSameTimeout(SslProvider provider)
            throws Exception {
        try (TlsFixture fixture = start(provider, SHORT_TIMEOUT);
                Socket socket = connect(fixture)) {
            socket.getOutputStream()
                    .write(RawClientHello.record(NAME, RawClientHello.TLS_1_2, 0xc02b));

            awaitServerClose(socket);

            awaitFailure(fixture, HandshakeFailureReason.TIMEOUT);
        }
    }

    @Test
    void plainHttp_onTheTlsPort_countsNotTls() throws Exception {
        try (TlsFixture fixture = start(SslProvider.JDK, ServerTlsContexts.HANDSHAKE_TIMEOUT);
                Socket socket = connect(fixture)) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(US_ASCII));

            awaitFailure(fixture, HandshakeFailureReason.NOT_TLS);
            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void clientDistrustingTheCertificate_countsUnknownCa(SslProvider provider) throws Exception {
        Authority stranger = new TestCertificates(dir).newAuthority("Stranger CA");

        try (TlsFixture fixture = start(provider, ServerTlsContexts.HANDSHAKE_TIMEOUT)) {
            String outcome =
                    JdkClient.to(fixture.port(), stranger.trustingClient()).sni(NAME).attempt();

            assertThat(outcome).startsWith("refused: ");
            awaitFailure(fixture, HandshakeFailureReason.UNKNOWN_CA);
            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    @Test
    void clientHelloOver16KiB_isRefusedBeforeItIsBuffered() throws Exception {
        try (TlsFixture fixture =
                        start(SslProvider.OPENSSL_REFCNT, ServerTlsContexts.HANDSHAKE_TIMEOUT);
                Socket socket = connect(fixture)) {
            // A 100-byte record whose ClientHello header announces 20,000 bytes: under Netty's
            // own 64 KiB cap it would be gathered, under ours it is refused at once.
            byte[] record = new byte[5 + 100];
            System.arraycopy(new byte[] {22, 3, 1, 0, 100, 1, 0, 0x4e, 0x20}, 0, record, 0, 9);
            socket.getOutputStream().write(record);

            awaitServerClose(socket);
            awaitFailure(fixture, HandshakeFailureReason.OTHER);
            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    private static TlsFixture start(SslProvider provider, Duration timeout)
            throws TlsConfigException {
        return TlsFixture.start(group, provider, TlsFixture.config(false, certificate), timeout);
    }

    private static JdkClient client(TlsFixture fixture) {
        return JdkClient.to(fixture.port(), ca.trustingClient()).sni(NAME);
    }

    private static Socket connect(TlsFixture fixture) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), fixture.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    /**
     * Reads and discards until the server closes the connection; a server that keeps it open fails
     * the test with the socket's read timeout.
     */
    private static void awaitServerClose(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // the server's handshake messages, if any
            }
        } catch (SocketException reset) {
            // a close with unread input arrives as a reset
        }
    }

    private static void awaitFailure(TlsFixture fixture, HandshakeFailureReason reason) {
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(fixture.failures(reason)).isEqualTo(1));
    }
}
