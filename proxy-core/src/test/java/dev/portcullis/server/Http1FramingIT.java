package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.LimitsConfig;
import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawOrigin;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the proxy frames messages on the client connection (RFC 9112 §6 and §9): bodies that must not
 * be there, bodies whose end only the close tells, HTTP/1.0 clients, {@code Expect}, and the body
 * size limit. Each test reads the response strictly and, where a stray byte could hide, sends a
 * next request on the same connection: a framing mistake then breaks the next response.
 */
class Http1FramingIT {

    private static final String HOST = "Host: portcullis.test\r\n";
    private static final ByteSize MAX_BODY = ByteSize.ofKibibytes(1);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    @AfterEach
    void stopAll() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }

    private RunningProxy proxyTo(InetSocketAddress address) throws IOException {
        LimitsConfig defaults = TestConfigs.defaultLimits();
        LimitsConfig limits =
                new LimitsConfig(
                        defaults.maxConnections(),
                        defaults.maxConnectionsPerIp(),
                        defaults.maxRequestLine(),
                        defaults.maxHeaderBytes(),
                        defaults.maxHeaders(),
                        MAX_BODY,
                        defaults.headerTimeout(),
                        defaults.idleTimeout());
        RunningProxy proxy =
                RunningProxy.start(TestConfigs.builder().limits(limits).backend(address).build());
        started.push(proxy);
        return proxy;
    }

    private TestBackend backend(TestBackend.Responder responder) throws Exception {
        TestBackend backend = TestBackend.start("origin", responder);
        started.push(backend);
        return backend;
    }

    private RawOrigin origin(RawOrigin.Script script) throws IOException {
        RawOrigin origin = RawOrigin.start(script);
        started.push(origin);
        return origin;
    }

    private static String request(String method, String path, String extra) {
        return method + " " + path + " HTTP/1.1\r\n" + HOST + extra + "\r\n";
    }

    @Test
    void head_onContentLengthResponse_keepsLengthSendsNoBodyAndConnectionStaysUsable()
            throws Exception {
        TestBackend backend = backend((request, reply) -> reply.text(200, "origin"));
        RunningProxy running = proxyTo(backend.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse head = connection.send(request("HEAD", "/", "")).readHeadResponse();
            RawResponse next = connection.send(request("GET", "/", "")).readResponse();

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("6");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("origin");
        }
    }

    @Test
    void head_onChunkedResponse_sendsNoTerminatingChunk() throws Exception {
        RawOrigin origin =
                origin(
                        request ->
                                request.method().equals("HEAD")
                                        ? RawOrigin.Reply.keepOpen(
                                                "HTTP/1.1 200 OK\r\n"
                                                        + "Transfer-Encoding: chunked\r\n\r\n")
                                        : RawOrigin.Reply.keepOpen(
                                                "HTTP/1.1 200 OK\r\n"
                                                        + "Transfer-Encoding: chunked\r\n\r\n"
                                                        + "5\r\nhello\r\n0\r\n\r\n"));
        RunningProxy running = proxyTo(origin.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse head = connection.send(request("HEAD", "/", "")).readHeadResponse();
            RawResponse next = connection.send(request("GET", "/", "")).readResponse();

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.isChunked()).as("framing of the GET it mirrors").isTrue();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("hello");
        }
    }

    @Test
    void noContent_fromBackend_hasNoBodyAndNoTransferEncoding() throws Exception {
        TestBackend backend =
                backend(
                        (request, reply) -> {
                            if (request.uri().equals("/empty")) {
                                reply.custom(emptyResponse(HttpResponseStatus.NO_CONTENT));
                            } else {
                                reply.text(200, "next");
                            }
                        });
        RunningProxy running = proxyTo(backend.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse empty = connection.send(request("GET", "/empty", "")).readResponse();
            RawResponse next = connection.send(request("GET", "/", "")).readResponse();

            assertThat(empty.status()).isEqualTo(204);
            assertThat(empty.header("transfer-encoding")).isNull();
            assertThat(empty.header("content-length")).isNull();
            assertThat(next.bodyText()).isEqualTo("next");
        }
    }

    @Test
    void notModified_fromBackend_hasNoBodyAndNoTransferEncoding() throws Exception {
        TestBackend backend =
                backend(
                        (request, reply) -> {
                            if (request.uri().equals("/cached")) {
                                DefaultFullHttpResponse response =
                                        emptyResponse(HttpResponseStatus.NOT_MODIFIED);
                                response.headers().set("ETag", "\"v1\"");
                                reply.custom(response);
                            } else {
                                reply.text(200, "next");
                            }
                        });
        RunningProxy running = proxyTo(backend.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse cached =
                    connection
                            .send(request("GET", "/cached", "If-None-Match: \"v1\"\r\n"))
                            .readResponse();
            RawResponse next = connection.send(request("GET", "/", "")).readResponse();

            assertThat(cached.status()).isEqualTo(304);
            assertThat(cached.header("etag")).isEqualTo("\"v1\"");
            assertThat(cached.header("transfer-encoding")).isNull();
            assertThat(next.bodyText()).isEqualTo("next");
        }
    }

    @Test
    void closeDelimitedBackendResponse_toHttp11Client_arrivesChunkedAndComplete() throws Exception {
        String body = "0123456789abcdef".repeat(4096);
        RawOrigin origin =
                origin(
                        request ->
                                RawOrigin.Reply.thenClose(
                                        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                                                + body));
        RunningProxy running = proxyTo(origin.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse first = connection.send(request("GET", "/1", "")).readResponse();
            RawResponse second = connection.send(request("GET", "/2", "")).readResponse();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.isChunked()).isTrue();
            assertThat(first.header("content-length")).isNull();
            assertThat(first.bodyText()).isEqualTo(body);
            assertThat(second.bodyText()).as("on the same client connection").isEqualTo(body);
        }
        assertThat(origin.acceptedConnections()).isEqualTo(2);
    }

    @Test
    void http10Client_withoutKeepAlive_getsConnectionCloseAndIsClosed() throws Exception {
        TestBackend backend = backend((request, reply) -> reply.text(200, "origin"));
        RunningProxy running = proxyTo(backend.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse response =
                    connection.send("GET / HTTP/1.0\r\n" + HOST + "\r\n").readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(response.bodyText()).isEqualTo("origin");
            assertThat(connection.closedByPeer()).isTrue();
        }
    }

    @Test
    void http10Client_withKeepAlive_keepsConnection() throws Exception {
        TestBackend backend = backend((request, reply) -> reply.text(200, request.uri()));
        RunningProxy running = proxyTo(backend.address());
        String keepAlive = "Connection: keep-alive\r\n";

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse first =
                    connection
                            .send("GET /1 HTTP/1.0\r\n" + HOST + keepAlive + "\r\n")
                            .readResponse();
            RawResponse second =
                    connection
                            .send("GET /2 HTTP/1.0\r\n" + HOST + keepAlive + "\r\n")
                            .readResponse();

            assertThat(first.header("connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(first.bodyText()).isEqualTo("/1");
            assertThat(second.bodyText()).isEqualTo("/2");
        }
    }

    @Test
    void http10Client_chunkedBackendResponse_getsCloseDelimitedBody() throws Exception {
        TestBackend backend = backend((request, reply) -> reply.stream(50_000, true));
        RunningProxy running = proxyTo(backend.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse response =
                    connection
                            .send("GET / HTTP/1.0\r\n" + HOST + "Connection: keep-alive\r\n\r\n")
                            .readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("transfer-encoding")).isNull();
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(response.body()).hasSize(50_000);
        }
    }

    @Test
    void expectContinue_withBody_getsInterimThenFinalAndBackendSeesNoExpect() throws Exception {
        TestBackend backend = backend((request, reply) -> reply.text(200, "stored"));
        RunningProxy running = proxyTo(backend.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            connection.send(
                    request("POST", "/upload", "Content-Length: 5\r\nExpect: 100-continue\r\n"));
            RawResponse interim = connection.readResponse();
            RawResponse fin = connection.send("hello").readResponse();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(fin.status()).isEqualTo(200);
            assertThat(fin.bodyText()).isEqualTo("stored");
        }
        assertThat(backend.requests()).hasSize(1);
        assertThat(backend.requests().get(0).bodyLength()).isEqualTo(5);
        assertThat(backend.requests().get(0).headers().contains("expect")).isFalse();
    }

    @Test
    void expectOtherThanContinue_isAnswered417AndNotForwarded() throws Exception {
        TestBackend backend = backend((request, reply) -> reply.text(200, "origin"));
        RunningProxy running = proxyTo(backend.address());

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse response =
                    connection
                            .send(request("GET", "/", "Expect: something-else\r\n"))
                            .readResponse();

            assertThat(response.status()).isEqualTo(417);
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void declaredBodyOverLimit_isAnswered413BeforeTheBodyIsSent() throws Exception {
        TestBackend backend = backend((request, reply) -> reply.text(200, "origin"));
        RunningProxy running = proxyTo(backend.address());
        long declared = MAX_BODY.bytes() + 1;

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse response =
                    connection
                            .send(
                                    request(
                                            "POST",
                                            "/upload",
                                            "Content-Length: " + declared + "\r\n"))
                            .readResponse();

            assertThat(response.status()).isEqualTo(413);
            assertThat(connection.closedByPeer()).isTrue();
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void expectContinue_declaredBodyOverLimit_isAnswered413WithoutInterim() throws Exception {
        TestBackend backend = backend((request, reply) -> reply.text(200, "origin"));
        RunningProxy running = proxyTo(backend.address());
        String framing =
                "Content-Length: " + (MAX_BODY.bytes() + 1) + "\r\nExpect: 100-continue\r\n";

        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse response =
                    connection.send(request("POST", "/upload", framing)).readResponse();

            assertThat(response.status()).isEqualTo(413);
        }
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void chunkedBodyGrowingOverLimit_isAnswered413AndItsBackendConnectionClosed() throws Exception {
        RawOrigin origin =
                origin(
                        request ->
                                RawOrigin.Reply.keepOpen(
                                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        RunningProxy running = proxyTo(origin.address());
        String chunk = Integer.toHexString(600) + "\r\n" + "x".repeat(600) + "\r\n";
        RawResponse refused;
        boolean closed;

        // The warm-up leaves backend connection 1 idle in the pool of this client connection's
        // event loop, so the oversized request is forwarded on it.
        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            RawResponse warmUp = connection.send(request("GET", "/warm-up", "")).readResponse();
            assertThat(warmUp.status()).isEqualTo(200);

            connection.send(
                    request("POST", "/upload", "Transfer-Encoding: chunked\r\n")
                            + chunk
                            + chunk
                            + "0\r\n\r\n");
            refused = connection.readResponse();
            closed = connection.closedByPeer();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> origin.closedByProxy(1));
        RawResponse afterwards;
        try (RawHttpConnection connection = RawHttpConnection.open(running.address())) {
            afterwards = connection.send(request("GET", "/after", "")).readResponse();
        }

        assertThat(refused.status()).isEqualTo(413);
        assertThat(closed).as("client connection closed").isTrue();
        assertThat(afterwards.status()).isEqualTo(200);
        assertThat(origin.requests())
                .extracting(RawOrigin.Request::target, RawOrigin.Request::connection)
                .containsExactly(tuple("/warm-up", 1), tuple("/after", 2));
    }

    private static DefaultFullHttpResponse emptyResponse(HttpResponseStatus status) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    }
}
