package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSmokeIT {

    @TempDir Path dir;

    @Test
    void httpsAndHttp2_throughProxy_reachBackend() throws Exception {
        TestCertificates certificates = new TestCertificates(dir);
        TestCertificates.Authority ca = certificates.newAuthority("Test CA");
        var certificate = ca.server("localhost").ips("127.0.0.1").issue().write();
        TlsConfig tls = new TlsConfig(List.of(certificate), ClientAuthMode.NONE, null, true);
        try (TestBackend backend = TestBackend.start("one");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .tls(tls)
                                        .backend(backend.address())
                                        .build())) {
            URI uri = URI.create("https://localhost:" + proxy.address().getPort() + "/x");
            HttpClient h1 =
                    HttpClient.newBuilder()
                            .sslContext(ca.trustingClient())
                            .version(HttpClient.Version.HTTP_1_1)
                            .build();
            HttpClient h2 =
                    HttpClient.newBuilder()
                            .sslContext(ca.trustingClient())
                            .version(HttpClient.Version.HTTP_2)
                            .build();

            HttpResponse<String> first =
                    h1.send(
                            HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> second =
                    h2.send(
                            HttpRequest.newBuilder(uri)
                                    .POST(HttpRequest.BodyPublishers.ofString("hello"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(second.body()).isEqualTo("one");
            assertThat(backend.requests()).hasSize(2);
            assertThat(backend.requests().get(1).bodyLength()).isEqualTo(5);
            assertThat(backend.requests().get(1).headers().get("x-forwarded-proto"))
                    .isEqualTo("https");
            assertThat(backend.requests().get(1).headers().names())
                    .noneMatch(name -> name.startsWith("x-http2"));
        }
    }
}
