package dev.portcullis.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.BindAddress;
import dev.portcullis.testing.RawHttpConnection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminServerIT {

    private static final BindAddress ANY_PORT = new BindAddress("127.0.0.1", 0);
    private static final HttpClient CLIENT =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean ready = new AtomicBoolean();
    private AdminServer server;
    private InetSocketAddress address;

    @BeforeEach
    void startServer() {
        server = new AdminServer(ANY_PORT, registry, ready::get);
        address = server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
        registry.close();
    }

    @Test
    void healthz_get_answersOkAsUncachedPlainText() throws Exception {
        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(response.headers().firstValue("content-type"))
                .hasValue("text/plain; charset=utf-8");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(response.headers().firstValueAsLong("content-length")).hasValue(2);
    }

    @Test
    void readyz_supplierSaysNotReady_answers503() throws Exception {
        ready.set(false);

        HttpResponse<String> response = get("/readyz");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("not ready");
    }

    @Test
    void readyz_supplierTurnsReady_answers200() throws Exception {
        ready.set(false);
        assertThat(get("/readyz").statusCode()).isEqualTo(503);

        ready.set(true);
        HttpResponse<String> response = get("/readyz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ready");
    }

    @Test
    void metrics_counterOnRegistry_isScrapedWithItsValue() throws Exception {
        registry.counter("portcullis.test.scrapes", "listener", "admin").increment(3);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("portcullis_test_scrapes_total{listener=\"admin\"} 3.0");
        assertThat(response.headers().firstValue("content-type"))
                .hasValue(PrometheusTextFormatWriter.CONTENT_TYPE);
    }

    @Test
    void unknownPath_get_answers404() throws Exception {
        HttpResponse<String> response = get("/nothing-here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("not found");
    }

    @Test
    void knownPath_post_answers405WithAllow() throws Exception {
        HttpRequest post = request("/healthz").POST(BodyPublishers.ofString("please")).build();

        HttpResponse<String> response = CLIENT.send(post, BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthz", "/readyz", "/metrics"})
    void head_knownPath_sendsGetHeadersWithoutBody(String path) throws IOException {
        ready.set(true);
        registry.counter("portcullis.test.heads").increment();
        try (RawHttpConnection connection = RawHttpConnection.open(address)) {
            // Pipelined: a body after the HEAD answer would be read as the next status line.
            connection.send(raw("GET", path) + raw("HEAD", path) + raw("GET", "/healthz"));

            RawHttpConnection.Response get = connection.readResponse(false);
            RawHttpConnection.Response head = connection.readResponse(true);
            RawHttpConnection.Response next = connection.readResponse(false);

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length"))
                    .isEqualTo(get.header("content-length"))
                    .isNotEqualTo("0");
            assertThat(head.header("content-type")).isEqualTo(get.header("content-type"));
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("ok");
        }
    }

    @Test
    void keepAlive_twoRequestsOnOneConnection_bothAnswered() throws IOException {
        try (RawHttpConnection connection = RawHttpConnection.open(address)) {
            connection.send(raw("GET", "/healthz"));
            RawHttpConnection.Response first = connection.readResponse(false);
            connection.send(raw("GET", "/healthz"));
            RawHttpConnection.Response second = connection.readResponse(false);

            assertThat(first.body()).isEqualTo("ok");
            assertThat(second.body()).isEqualTo("ok");
        }
    }

    @Test
    void connectionClose_requested_serverClosesAfterAnswer() throws IOException {
        try (RawHttpConnection connection = RawHttpConnection.open(address)) {
            connection.send("GET /healthz HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");

            RawHttpConnection.Response response = connection.readResponse(false);

            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void body_overLimit_answers413() throws Exception {
        byte[] body = new byte[AdminChannelInitializer.MAX_REQUEST_BYTES + 1];
        HttpRequest post = request("/healthz").POST(BodyPublishers.ofByteArray(body)).build();

        HttpResponse<String> response = CLIENT.send(post, BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void headers_overLimit_answers431AndCloses() throws IOException {
        try (RawHttpConnection connection = RawHttpConnection.open(address)) {
            connection.send(
                    "GET /healthz HTTP/1.1\r\nHost: admin\r\nX-Filler: "
                            + "x".repeat(16 * 1024)
                            + "\r\n\r\n");

            RawHttpConnection.Response response = connection.readResponse(false);

            assertThat(response.status()).isEqualTo(431);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void idleConnection_pastTimeout_isClosed() throws IOException {
        try (AdminServer impatient =
                        new AdminServer(ANY_PORT, registry, ready::get, Duration.ofMillis(200));
                RawHttpConnection connection = RawHttpConnection.open(impatient.start())) {
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void start_portTaken_failsNamingTheAddress() {
        BindAddress taken = new BindAddress("127.0.0.1", address.getPort());
        try (AdminServer second = new AdminServer(taken, registry, ready::get)) {
            assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + address.getPort());
        }
    }

    @Test
    void close_afterStart_stopsListening() {
        server.close();

        assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    private static String raw(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: admin\r\n\r\n";
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(request(path).GET().build(), BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        URI uri = URI.create("http://127.0.0.1:" + address.getPort() + path);
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    }
}
