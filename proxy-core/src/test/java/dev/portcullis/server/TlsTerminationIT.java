package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.server.tls.RawClientHello;
import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.testing.TlsSockets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS termination through the whole proxy, to a plain HTTP/1.1 backend: the protocol versions the
 * listener accepts and refuses, the certificate SNI selects among two on one listener, the {@code
 * X-Forwarded-Proto} the backend is told, and the handshake counter by protocol.
 */
class TlsTerminationIT {

    private static final String ALPHA = "alpha.test";
    private static final String BETA = "beta.test";

    @TempDir Path dir;

    private TestBackend backend;
    private RunningProxy proxy;
    private SSLContext client;

    @BeforeEach
    void start() throws Exception {
        TestCertificates certificates = new TestCertificates(dir);
        TestCertificates.Authority ca = certificates.newAuthority("Termination CA");
        CertificateConfig alpha = ca.server(ALPHA).ips("127.0.0.1").issue().write();
        CertificateConfig beta = ca.server(BETA).issue().write();
        client = ca.trustingClient();
        backend = TestBackend.start("plain");
        proxy =
                RunningProxy.start(
                        TestConfigs.builder()
                                .tls(
                                        new TlsConfig(
                                                List.of(alpha, beta),
                                                ClientAuthMode.NONE,
                                                null,
                                                false))
                                .backend(backend.address())
                                .build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void handshake_oneProtocolEnabled_negotiatesItAndRequestReachesBackend(String protocol)
            throws Exception {
        try (SSLSocket socket = TlsSockets.connect(proxy.address(), client, ALPHA, protocol);
                RawHttpConnection connection = RawHttpConnection.over(socket)) {
            RawResponse response = connection.send(get("/hello")).readResponse();

            assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("plain");
        }
        assertThat(backend.requests()).singleElement().extracting(r -> r.uri()).isEqualTo("/hello");
    }

    @Test
    void clientHello_tls11_isRefusedWithProtocolVersionAlert() throws Exception {
        int[] suites = {
            0xc009, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, the one TLS 1.1 can use with EC keys
            0xc02b // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        };

        var refused =
                RawClientHello.send(
                        proxy.address().getPort(), ALPHA, RawClientHello.TLS_1_1, suites);
        var accepted =
                RawClientHello.send(
                        proxy.address().getPort(), ALPHA, RawClientHello.TLS_1_2, suites);

        assertThat(refused.alert())
                .as(refused.toString())
                .isEqualTo(RawClientHello.ALERT_PROTOCOL_VERSION);
        assertThat(accepted.serverHello()).as("the same hello as TLS 1.2").isTrue();
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                proxy.count(
                                        MeterNames.TLS_HANDSHAKE_FAILURES,
                                        MeterNames.TAG_REASON,
                                        "protocol_version"),
                        count -> count == 1);
        assertThat(backend.acceptedConnections()).isZero();
    }

    @ParameterizedTest(name = "SNI {0} gets {1}")
    @CsvSource({
        ALPHA + "," + ALPHA,
        BETA + "," + BETA,
        "unknown.test," + ALPHA,
        "," + ALPHA,
    })
    void sni_twoCertificatesOnListener_selectsByNameAndFirstOtherwise(
            @Nullable String sni, String expected) throws Exception {
        try (SSLSocket socket = TlsSockets.connect(proxy.address(), client, sni)) {
            assertThat(TlsSockets.dnsNames(TlsSockets.peer(socket))).containsExactly(expected);
        }
    }

    @Test
    void request_overTls_reachesBackendWithForwardedProtoHttps() throws Exception {
        try (SSLSocket socket = TlsSockets.connect(proxy.address(), client, BETA);
                RawHttpConnection connection = RawHttpConnection.over(socket)) {
            connection
                    .send(
                            "GET /proto HTTP/1.1\r\nHost: beta.test\r\n"
                                    + "X-Forwarded-Proto: http\r\n\r\n")
                    .readResponse();
        }

        assertThat(backend.requests())
                .singleElement()
                .satisfies(
                        request ->
                                assertThat(request.headers().getAll("X-Forwarded-Proto"))
                                        .containsExactly("https"));
    }

    @Test
    void alpnOfferOfH2_listenerWithoutHttp2_isAnsweredWithHttp11() throws Exception {
        HttpClient h2 =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_2)
                        .sslContext(client)
                        .build();
        URI uri = URI.create("https://127.0.0.1:" + proxy.address().getPort() + "/alpn");

        HttpResponse<String> response =
                h2.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    @ParameterizedTest
    @CsvSource({"TLSv1.3,TLSv1.2", "TLSv1.2,TLSv1.3"})
    void handshake_completed_isCountedUnderItsProtocol(String protocol, String other)
            throws Exception {
        double before = handshakes(protocol);
        double otherBefore = handshakes(other);

        try (SSLSocket socket = TlsSockets.connect(proxy.address(), client, ALPHA, protocol);
                RawHttpConnection connection = RawHttpConnection.over(socket)) {
            connection.send(get("/count")).readResponse();
        }

        await().atMost(Duration.ofSeconds(5))
                .until(() -> handshakes(protocol), count -> count == before + 1);
        assertThat(handshakes(other)).isEqualTo(otherBefore);
    }

    private double handshakes(String protocol) {
        return proxy.count(MeterNames.TLS_HANDSHAKES, MeterNames.TAG_PROTOCOL, protocol);
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + ALPHA + "\r\n\r\n";
    }
}
