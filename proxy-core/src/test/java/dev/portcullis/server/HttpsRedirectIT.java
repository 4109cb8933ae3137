package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain listener with {@code redirect_https: true} beside a TLS listener: every request is
 * answered 308 to the same host, path and query on the TLS port, nothing reaches the backend,
 * keep-alive holds for requests without a body, and the strict decoder still refuses malformed
 * requests.
 */
class HttpsRedirectIT {

    @TempDir Path dir;

    private TestBackend backend;
    private RunningProxy proxy;
    private int tlsPort;

    @BeforeEach
    void start() throws Exception {
        TestCertificates.Authority ca = new TestCertificates(dir).newAuthority("Redirect CA");
        TlsConfig tls =
                new TlsConfig(
                        List.of(ca.server("example.test").issue().write()),
                        ClientAuthMode.NONE,
                        null,
                        false);
        backend = TestBackend.start("never");
        proxy =
                RunningProxy.start(
                        TestConfigs.builder()
                                .tls(tls)
                                .listener(
                                        new ListenerConfig(
                                                "plain",
                                                new BindAddress("127.0.0.1", 0),
                                                null,
                                                false,
                                                true))
                                .backend(backend.address())
                                .build());
        tlsPort = proxy.address().getPort();
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void get_onRedirectListener_is308ToSameUrlOnTlsPortAndKeepsConnection() throws Exception {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address("plain"))) {
            RawResponse first =
                    connection
                            .send("GET /a?b=1 HTTP/1.1\r\nHost: example.test\r\n\r\n")
                            .readResponse();
            RawResponse second =
                    connection
                            .send("GET /c/d HTTP/1.1\r\nHost: example.test:8080\r\n\r\n")
                            .readResponse();

            assertThat(first.status()).isEqualTo(308);
            assertThat(first.header("Location"))
                    .isEqualTo("https://example.test:" + tlsPort + "/a?b=1");
            assertThat(first.headers("Connection"))
                    .noneMatch(value -> value.equalsIgnoreCase("close"));
            assertThat(second.status()).isEqualTo(308);
            assertThat(second.header("Location"))
                    .isEqualTo("https://example.test:" + tlsPort + "/c/d");
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void absoluteFormTarget_onRedirectListener_redirectsToItsPathAndQuery() throws Exception {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address("plain"))) {
            RawResponse response =
                    connection
                            .send(
                                    "GET http://example.test/a?b=1 HTTP/1.1\r\n"
                                            + "Host: example.test\r\n\r\n")
                            .readResponse();

            assertThat(response.status()).isEqualTo(308);
            assertThat(response.header("Location"))
                    .isEqualTo("https://example.test:" + tlsPort + "/a?b=1");
        }
    }

    @Test
    void asteriskTarget_onRedirectListener_redirectsToRoot() throws Exception {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address("plain"))) {
            RawResponse response =
                    connection
                            .send("OPTIONS * HTTP/1.1\r\nHost: example.test\r\n\r\n")
                            .readResponse();

            assertThat(response.status()).isEqualTo(308);
            assertThat(response.header("Location"))
                    .isEqualTo("https://example.test:" + tlsPort + "/");
        }
    }

    @Test
    void postWithBody_onRedirectListener_is308AndClosesConnection() throws Exception {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address("plain"))) {
            RawResponse response =
                    connection
                            .send(
                                    "POST /form HTTP/1.1\r\nHost: example.test\r\n"
                                            + "Content-Length: 5\r\n\r\nhello")
                            .readResponse();

            assertThat(response.status()).isEqualTo(308);
            assertThat(response.header("Location"))
                    .isEqualTo("https://example.test:" + tlsPort + "/form");
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(connection.closedByPeer()).isTrue();
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void malformedRequest_onRedirectListener_isRefused400() throws Exception {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address("plain"))) {
            RawResponse response =
                    connection
                            .send(
                                    "GET /a HTTP/1.1\r\nHost: example.test\r\n"
                                            + "Content-Length: 1\r\nTransfer-Encoding: chunked"
                                            + "\r\n\r\n0\r\n\r\n")
                            .readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("Location")).isNull();
            assertThat(connection.closedByPeer()).isTrue();
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void requestWithoutHost_onRedirectListener_isRefused400() throws Exception {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address("plain"))) {
            RawResponse response = connection.send("GET /a HTTP/1.1\r\n\r\n").readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("Location")).isNull();
        }
    }
}
