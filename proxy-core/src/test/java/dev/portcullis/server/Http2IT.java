package dev.portcullis.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.testing.GeneratedBody;
import dev.portcullis.testing.H2Client;
import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawOrigin;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 through the whole proxy to HTTP/1.1 backends: over TLS with the JDK client (requests with
 * and without bodies, many streams on one connection, large bodies both ways, backends that answer
 * with connection-specific fields), and in clear text with prior knowledge on a listener with
 * {@code h2c} on, refused on one without.
 */
class Http2IT {

    private static final int MIB = 1024 * 1024;

    /** The fields that belong to an HTTP/1.1 connection and must never appear in HTTP/2. */
    private static final List<String> CONNECTION_SPECIFIC =
            List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    @TempDir Path dir;

    private TestCertificates.Authority ca;
    private CertificateConfig certificate;

    @BeforeEach
    void certificates() {
        ca = new TestCertificates(dir).newAuthority("HTTP/2 CA");
        certificate = ca.server("localhost").issue().write();
    }

    private ProxyConfig tls(RawOrigin origin) {
        return TestConfigs.builder().tls(tlsConfig()).backend(origin.address()).build();
    }

    private ProxyConfig tls(TestBackend backend) {
        return TestConfigs.builder().tls(tlsConfig()).backend(backend.address()).build();
    }

    private TlsConfig tlsConfig() {
        return new TlsConfig(List.of(certificate), ClientAuthMode.NONE, null, true);
    }

    private HttpClient h2Client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(ca.trustingClient())
                .build();
    }

    private static URI uri(RunningProxy proxy, String path) {
        return URI.create("https://localhost:" + proxy.address().getPort() + path);
    }

    private static RawOrigin okOrigin() throws IOException {
        return RawOrigin.start(
                request ->
                        RawOrigin.Reply.keepOpen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    }

    // ---------------------------------------------------------------- requests

    @Test
    void get_overH2_reachesBackendAsHttp11WithoutBodyOrExtensionHeaders() throws Exception {
        try (RawOrigin origin = okOrigin();
                RunningProxy proxy = RunningProxy.start(tls(origin))) {
            HttpResponse<String> response =
                    h2Client()
                            .send(
                                    HttpRequest.newBuilder(uri(proxy, "/get?q=1")).build(),
                                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("ok");
            assertThat(origin.startLines()).containsExactly("GET /get?q=1 HTTP/1.1");
            RawOrigin.Request seen = origin.requests().get(0);
            assertThat(seen.headers().get("host"))
                    .isEqualTo("localhost:" + proxy.address().getPort());
            assertThat(seen.headers().contains("transfer-encoding")).isFalse();
            assertThat(seen.headers().get("content-length")).isIn(null, "0");
            assertThat(seen.headers().names())
                    .noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("x-http2-"));
        }
    }

    @Test
    void post_withLength_reachesBackendAsHttp11WithContentLength() throws Exception {
        try (RawOrigin origin = okOrigin();
                RunningProxy proxy = RunningProxy.start(tls(origin))) {
            HttpResponse<String> response =
                    h2Client()
                            .send(
                                    HttpRequest.newBuilder(uri(proxy, "/post"))
                                            .POST(HttpRequest.BodyPublishers.ofString("hello"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(origin.startLines()).containsExactly("POST /post HTTP/1.1");
            RawOrigin.Request seen = origin.requests().get(0);
            assertThat(seen.headers().getAll("content-length")).containsExactly("5");
            assertThat(seen.headers().contains("transfer-encoding")).isFalse();
            assertThat(seen.bodyLength()).isEqualTo(5);
            assertThat(seen.headers().names())
                    .noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("x-http2-"));
        }
    }

    @Test
    void post_withoutLength_reachesBackendChunked() throws Exception {
        try (RawOrigin origin = okOrigin();
                RunningProxy proxy = RunningProxy.start(tls(origin))) {
            HttpResponse<String> response =
                    h2Client()
                            .send(
                                    HttpRequest.newBuilder(uri(proxy, "/stream"))
                                            .POST(
                                                    HttpRequest.BodyPublishers.fromPublisher(
                                                            GeneratedBody.of(100_000)))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            RawOrigin.Request seen = origin.requests().get(0);
            assertThat(origin.startLines()).containsExactly("POST /stream HTTP/1.1");
            assertThat(seen.headers().getAll("transfer-encoding")).containsExactly("chunked");
            assertThat(seen.headers().contains("content-length")).isFalse();
            assertThat(seen.bodyLength()).isEqualTo(100_000);
        }
    }

    @Test
    void hundredConcurrentStreams_oneClient_allServedOnOneConnection() throws Exception {
        try (TestBackend backend = TestBackend.start("many");
                RunningProxy proxy = RunningProxy.start(tls(backend))) {
            HttpClient client = h2Client();
            double before = connections(proxy);
            // The first request opens the connection; requests sent before it exists would each
            // open their own.
            assertThat(
                            client.send(
                                            HttpRequest.newBuilder(uri(proxy, "/first")).build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(200);

            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                pending.add(
                        client.sendAsync(
                                HttpRequest.newBuilder(uri(proxy, "/many/" + i)).build(),
                                HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : pending) {
                responses.add(response.get(30, TimeUnit.SECONDS));
            }

            assertThat(responses)
                    .allSatisfy(
                            response -> {
                                assertThat(response.statusCode()).isEqualTo(200);
                                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                                assertThat(response.body()).isEqualTo("many");
                            });
            assertThat(backend.requests()).hasSize(101);
            assertThat(connections(proxy) - before).isEqualTo(1);
        }
    }

    @Test
    void largeResponseBody_overH2_streamsIntact() throws Exception {
        long length = 8L * MIB;
        try (TestBackend backend =
                        TestBackend.start(
                                "big", (request, reply) -> reply.streamPattern(length, false));
                RunningProxy proxy = RunningProxy.start(tls(backend))) {
            HttpResponse<InputStream> response =
                    h2Client()
                            .send(
                                    HttpRequest.newBuilder(uri(proxy, "/big")).build(),
                                    HttpResponse.BodyHandlers.ofInputStream());

            assertThat(response.statusCode()).isEqualTo(200);
            long offset = 0;
            long mismatches = 0;
            try (InputStream body = response.body()) {
                byte[] buffer = new byte[64 * 1024];
                int read;
                while ((read = body.read(buffer)) >= 0) {
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] != TestBackend.patternByte(offset + i)) {
                            mismatches++;
                        }
                    }
                    offset += read;
                }
            }
            assertThat(offset).isEqualTo(length);
            assertThat(mismatches).isZero();
        }
    }

    @Test
    void largeRequestBody_overH2_streamsIntact() throws Exception {
        GeneratedBody body = GeneratedBody.of(8L * MIB);
        try (TestBackend backend = TestBackend.start("sink");
                RunningProxy proxy = RunningProxy.start(tls(backend))) {
            HttpResponse<String> response =
                    h2Client()
                            .send(
                                    HttpRequest.newBuilder(uri(proxy, "/upload"))
                                            .POST(
                                                    HttpRequest.BodyPublishers.fromPublisher(
                                                            body, body.length()))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(backend.requests())
                    .singleElement()
                    .extracting(r -> r.bodyLength())
                    .isEqualTo(body.length());
            assertThat(backend.bodyChecksums()).containsExactly(body.checksum());
        }
    }

    static Stream<Arguments> connectionSpecificResponses() {
        return Stream.of(
                Arguments.of(
                        "Connection and Keep-Alive",
                        RawOrigin.Reply.keepOpen(
                                "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n"
                                        + "Keep-Alive: timeout=5, max=100\r\n"
                                        + "Content-Length: 2\r\n\r\nok")),
                Arguments.of(
                        "Transfer-Encoding chunked",
                        RawOrigin.Reply.keepOpen(
                                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        + "2\r\nok\r\n0\r\n\r\n")),
                Arguments.of(
                        "Connection: close",
                        RawOrigin.Reply.thenClose(
                                "HTTP/1.1 200 OK\r\nConnection: close\r\n"
                                        + "Content-Length: 2\r\n\r\nok")),
                Arguments.of(
                        "a field named by Connection",
                        RawOrigin.Reply.keepOpen(
                                "HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: 1\r\n"
                                        + "Content-Length: 2\r\n\r\nok")),
                Arguments.of(
                        "Proxy-Connection and Upgrade",
                        RawOrigin.Reply.keepOpen(
                                "HTTP/1.1 200 OK\r\nProxy-Connection: keep-alive\r\n"
                                        + "Upgrade: h2c\r\nContent-Length: 2\r\n\r\nok")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectionSpecificResponses")
    void connectionSpecificResponseFields_fromBackend_areDroppedAndH2KeepsWorking(
            String name, RawOrigin.Reply reply) throws Exception {
        try (RawOrigin origin = RawOrigin.start(request -> reply);
                RunningProxy proxy = RunningProxy.start(tls(origin))) {
            HttpClient client = h2Client();
            double before = connections(proxy);

            List<HttpResponse<String>> responses = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                responses.add(
                        client.send(
                                HttpRequest.newBuilder(uri(proxy, "/hop/" + i)).build(),
                                HttpResponse.BodyHandlers.ofString()));
            }

            assertThat(responses)
                    .allSatisfy(
                            response -> {
                                assertThat(response.statusCode()).isEqualTo(200);
                                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                                assertThat(response.body()).isEqualTo("ok");
                                assertThat(response.headers().map().keySet())
                                        .map(key -> key.toLowerCase(Locale.ROOT))
                                        .doesNotContainAnyElementsOf(CONNECTION_SPECIFIC)
                                        .doesNotContain("x-hop");
                            });
            assertThat(connections(proxy) - before).as("client connections").isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- h2c

    @Test
    void priorKnowledge_onH2cListener_isServedAsHttp2() throws Exception {
        try (TestBackend backend = TestBackend.start("clear");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().h2c().backend(backend.address()).build());
                H2Client client = H2Client.cleartext(proxy.address())) {
            H2Client.Outcome outcome =
                    client.exchange(H2Client.request("GET", "http", "h2c.test", "/clear"));

            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.bodyText()).isEqualTo("clear");
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            request -> {
                                assertThat(request.uri()).isEqualTo("/clear");
                                assertThat(request.headers().get("host")).isEqualTo("h2c.test");
                                assertThat(request.headers().get("x-forwarded-proto"))
                                        .isEqualTo("http");
                            });
        }
    }

    @Test
    void http11_onH2cListener_isStillServed() throws Exception {
        try (TestBackend backend = TestBackend.start("clear");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().h2c().backend(backend.address()).build());
                RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            RawResponse response =
                    connection.send("GET /one HTTP/1.1\r\nHost: h2c.test\r\n\r\n").readResponse();

            assertThat(response.version()).isEqualTo("HTTP/1.1");
            assertThat(response.status()).isEqualTo(200);
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void priorKnowledge_onListenerWithoutH2c_isRefusedAsHttp11AndNeverProxied() throws Exception {
        try (TestBackend backend = TestBackend.start("clear");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.address()).build());
                RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(US_ASCII);
            byte[] emptySettings = {0, 0, 0, 4, 0, 0, 0, 0, 0};

            RawResponse response = connection.send(preface).send(emptySettings).readResponse();

            // The preface reads as an HTTP/1.1 request line of version HTTP/2.0.
            assertThat(response.version()).isEqualTo("HTTP/1.1");
            assertThat(response.status()).isEqualTo(505);
            assertThat(connection.closedByPeer()).isTrue();
            assertThat(backend.acceptedConnections()).isZero();
        }
    }

    private static double connections(RunningProxy proxy) {
        return proxy.count(MeterNames.CONNECTIONS, MeterNames.TAG_LISTENER, "test");
    }
}
