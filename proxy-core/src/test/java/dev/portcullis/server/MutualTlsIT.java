package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.BindAddress;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.ListenerConfig;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates through the whole proxy: with {@code client_auth: require} a client without a
 * certificate (or with one of another CA) is refused at the handshake and one with a certificate of
 * {@code client_ca_file} is served, the backend learning its subject from {@code
 * X-Client-Cert-Subject} over HTTP/1.1 and HTTP/2 alike; with {@code optional} a client without one
 * is served without the header. A client's own {@code X-Client-Cert-Subject} never reaches the
 * backend, on TLS and plain listeners.
 */
class MutualTlsIT {

    private static final String SUBJECT = "X-Client-Cert-Subject";
    private static final String ALICE = "CN=alice,O=Example";

    @TempDir Path dir;

    private TestCertificates certificates;
    private TestCertificates.Authority ca;
    private TestCertificates.Issued alice;
    private TestBackend backend;

    @BeforeEach
    void start() throws Exception {
        certificates = new TestCertificates(dir);
        ca = certificates.newAuthority("Client CA");
        alice = ca.client(ALICE).issue();
        backend = TestBackend.start("mtls");
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private RunningProxy startProxy(ClientAuthMode mode) throws IOException {
        TlsConfig tls =
                new TlsConfig(
                        List.of(ca.server("localhost").issue().write()), mode, ca.certFile(), true);
        return RunningProxy.start(
                TestConfigs.builder()
                        .tls(tls)
                        .listener(new ListenerConfig("plain", new BindAddress("127.0.0.1", 0)))
                        .backend(backend.address())
                        .build());
    }

    @Test
    void require_clientWithoutCertificate_isRefusedAtHandshake() throws Exception {
        try (RunningProxy proxy = startProxy(ClientAuthMode.REQUIRE)) {
            assertThatThrownBy(() -> send(proxy, client(ca.trustingClient()), "/anonymous"))
                    .isInstanceOf(IOException.class);
            assertThat(backend.acceptedConnections()).isZero();
        }
    }

    @Test
    void require_certificateOfAnotherCa_isRefusedAtHandshake() throws Exception {
        try (RunningProxy proxy = startProxy(ClientAuthMode.REQUIRE)) {
            TestCertificates.Issued mallory =
                    certificates.newAuthority("Other CA").client("CN=mallory").issue();

            assertThatThrownBy(() -> send(proxy, client(ca.clientContext(mallory)), "/mallory"))
                    .isInstanceOf(IOException.class);
            assertThat(backend.acceptedConnections()).isZero();
        }
    }

    @Test
    void require_certificateOfClientCa_isServedWithSubjectHeader() throws Exception {
        try (RunningProxy proxy = startProxy(ClientAuthMode.REQUIRE)) {
            HttpResponse<String> response = send(proxy, client(ca.clientContext(alice)), "/alice");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            request ->
                                    assertThat(request.headers().getAll(SUBJECT))
                                            .containsExactly(ALICE));
        }
    }

    @Test
    void require_certificateOverHttp2_isServedWithSubjectHeader() throws Exception {
        try (RunningProxy proxy = startProxy(ClientAuthMode.REQUIRE)) {
            HttpClient h2 =
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_2)
                            .sslContext(ca.clientContext(alice))
                            .build();

            HttpResponse<String> response = send(proxy, h2, "/alice-h2");

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            request ->
                                    assertThat(request.headers().getAll(SUBJECT))
                                            .containsExactly(ALICE));
        }
    }

    @Test
    void forgedSubjectHeader_withCertificate_isReplacedByVerifiedSubject() throws Exception {
        try (RunningProxy proxy = startProxy(ClientAuthMode.REQUIRE)) {
            send(proxy, client(ca.clientContext(alice)), "/forged", "CN=admin,O=Example");

            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            request ->
                                    assertThat(request.headers().getAll(SUBJECT))
                                            .containsExactly(ALICE));
        }
    }

    @Test
    void forgedSubjectHeader_onPlainListener_isStripped() throws Exception {
        try (RunningProxy proxy = startProxy(ClientAuthMode.REQUIRE)) {
            try (RawHttpConnection connection = RawHttpConnection.open(proxy.address("plain"))) {
                RawResponse response =
                        connection
                                .send(
                                        "GET /plain HTTP/1.1\r\nHost: localhost\r\n"
                                                + SUBJECT
                                                + ": CN=admin\r\nx-client-cert-subject: CN=root"
                                                + "\r\n\r\n")
                                .readResponse();
                assertThat(response.status()).isEqualTo(200);
            }

            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            request -> assertThat(request.headers().contains(SUBJECT)).isFalse());
        }
    }

    @Test
    void optional_clientWithoutCertificate_isServedWithoutSubjectHeader() throws Exception {
        try (RunningProxy proxy = startProxy(ClientAuthMode.OPTIONAL)) {
            HttpResponse<String> response =
                    send(proxy, client(ca.trustingClient()), "/optional", "CN=admin,O=Example");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            request -> assertThat(request.headers().contains(SUBJECT)).isFalse());
        }
    }

    @Test
    void optional_clientWithCertificate_isServedWithSubjectHeader() throws Exception {
        try (RunningProxy proxy = startProxy(ClientAuthMode.OPTIONAL)) {
            send(proxy, client(ca.clientContext(alice)), "/optional-alice");

            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            request ->
                                    assertThat(request.headers().getAll(SUBJECT))
                                            .containsExactly(ALICE));
        }
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(context)
                .build();
    }

    private static HttpResponse<String> send(
            RunningProxy proxy, HttpClient client, String path, String... forgedSubject)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                        URI.create("https://localhost:" + proxy.address().getPort() + path));
        for (String value : forgedSubject) {
            request.header(SUBJECT, value);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
