package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.BackendTlsConfig;
import dev.portcullis.config.CertificateConfig;
import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.testing.TlsBackend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https://} backends behind the proxy: verified against a private CA given as {@code
 * ca_file} and against the backend's host name, refused with 502 when the certificate does not
 * verify, and accepted unverified with {@code insecure_skip_verify}.
 *
 * <p>The SNI the proxy sends is not checked here: TLS clients send SNI only for names with a dot,
 * and the only name that resolves to the loopback address on a test machine is {@code localhost}.
 */
class HttpsBackendIT {

    @TempDir Path dir;

    private TestCertificates certificates;
    private TestCertificates.Authority ca;

    @BeforeEach
    void authority() {
        certificates = new TestCertificates(dir);
        ca = certificates.newAuthority("Backend CA");
    }

    @Test
    void backendCertificate_fromConfiguredCa_isServed() throws Exception {
        try (TlsBackend backend = TlsBackend.start(ca.server("localhost").issue().write());
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.url("localhost"))
                                        .backendTls(new BackendTlsConfig(ca.certFile(), false))
                                        .build())) {
            RawResponse response = get(proxy, "/secure");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("secure");
            assertThat(backend.requests()).containsExactly("/secure");
        }
    }

    @Test
    void backendCertificate_fromPrivateCaWithDefaultTrust_is502() throws Exception {
        try (TlsBackend backend = TlsBackend.start(ca.server("localhost").issue().write());
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.url("localhost")).build())) {
            RawResponse response = get(proxy, "/untrusted");

            assertThat(response.status()).isEqualTo(502);
            assertThat(backend.serverNames()).as("the proxy tried").isNotEmpty();
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void backendCertificate_forAnotherHost_is502EvenWithCa() throws Exception {
        try (TlsBackend backend = TlsBackend.start(ca.server("other.test").issue().write());
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.url("localhost"))
                                        .backendTls(new BackendTlsConfig(ca.certFile(), false))
                                        .build())) {
            RawResponse response = get(proxy, "/wrong-name");

            assertThat(response.status()).isEqualTo(502);
            assertThat(backend.serverNames()).as("the proxy tried").isNotEmpty();
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void selfSignedBackend_withInsecureSkipVerify_isServed() throws Exception {
        CertificateConfig selfSigned =
                certificates.selfSigned(List.of("localhost"), List.of("127.0.0.1"));
        try (TlsBackend backend = TlsBackend.start(selfSigned);
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.url("localhost"))
                                        .backendTls(new BackendTlsConfig(null, true))
                                        .build())) {
            RawResponse response = get(proxy, "/insecure");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("secure");
            assertThat(backend.requests()).containsExactly("/insecure");
        }
    }

    private static RawResponse get(RunningProxy proxy, String path) throws Exception {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            return connection
                    .send("GET " + path + " HTTP/1.1\r\nHost: app.test\r\n\r\n")
                    .readResponse();
        }
    }
}
