package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Header rewriting across the proxy, seen from both ends: hop-by-hop fields (RFC 9110 §7.6.1) stop
 * at the proxy in both directions, the forwarding fields tell the backend who the client is and are
 * believed only from trusted proxies, and every request carries an {@code X-Request-Id}.
 */
class ForwardingHeadersIT {

    private static final String HOST = "Host: portcullis.test\r\n";
    private static final String SIXTEEN_HEX = "[0-9a-f]{16}";

    private TestBackend backend;
    private RunningProxy proxy;

    @BeforeEach
    void startProxy() throws Exception {
        backend = TestBackend.start("origin");
        proxy = RunningProxy.start(TestConfigs.builder().backend(backend.address()).build());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
        backend.close();
    }

    @Test
    void hopByHopRequestHeaders_areNotForwarded() throws Exception {
        RawResponse response =
                send(
                        proxy,
                        get(
                                "Connection: keep-alive\r\n"
                                        + "Keep-Alive: timeout=5\r\n"
                                        + "TE: trailers\r\n"
                                        + "Proxy-Connection: keep-alive\r\n"
                                        + "X-Kept: yes\r\n"));

        HttpHeaders received = onlyRequestHeaders();
        assertThat(response.status()).isEqualTo(200);
        assertThat(received.contains("connection")).as("connection").isFalse();
        assertThat(received.contains("keep-alive")).as("keep-alive").isFalse();
        assertThat(received.contains("te")).as("te").isFalse();
        assertThat(received.contains("proxy-connection")).as("proxy-connection").isFalse();
        assertThat(received.get("x-kept")).isEqualTo("yes");
    }

    @Test
    void headerNamedInConnection_isNotForwarded() throws Exception {
        RawResponse response =
                send(proxy, get("Connection: X-Secret, keep-alive\r\nX-Secret: 1\r\n"));

        HttpHeaders received = onlyRequestHeaders();
        assertThat(response.status()).isEqualTo(200);
        assertThat(received.contains("x-secret")).isFalse();
        assertThat(received.contains("connection")).isFalse();
    }

    @Test
    void h2cUpgrade_isDroppedAndServedAsHttp11() throws Exception {
        RawResponse response =
                send(
                        proxy,
                        get(
                                "Connection: Upgrade, HTTP2-Settings\r\n"
                                        + "Upgrade: h2c\r\n"
                                        + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"));

        HttpHeaders received = onlyRequestHeaders();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.version()).isEqualTo("HTTP/1.1");
        assertThat(received.contains("upgrade")).as("upgrade").isFalse();
        assertThat(received.contains("http2-settings")).as("http2-settings").isFalse();
        assertThat(received.contains("connection")).as("connection").isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "X-Forwarded-For",
                "keep-alive, x-forwarded-for",
                "X-Real-IP",
                "X-Request-Id",
                "Authorization"
            })
    void connectionNamingAProtectedHeader_isRefused400AndNotForwarded(String connection)
            throws Exception {
        RawResponse response = send(proxy, get("Connection: " + connection + "\r\n"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void untrustedPeer_forwardingHeaders_areReplaced() throws Exception {
        send(
                proxy,
                get(
                        "X-Forwarded-For: 203.0.113.9\r\n"
                                + "X-Forwarded-Proto: https\r\n"
                                + "X-Forwarded-Host: evil.test\r\n"
                                + "X-Real-IP: 203.0.113.9\r\n"
                                + "Forwarded: for=203.0.113.9\r\n"));

        HttpHeaders received = onlyRequestHeaders();
        assertThat(received.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(received.getAll("x-forwarded-proto")).containsExactly("http");
        assertThat(received.getAll("x-forwarded-host")).containsExactly("portcullis.test");
        assertThat(received.contains("x-real-ip")).isFalse();
        assertThat(received.contains("forwarded")).isFalse();
    }

    @Test
    void trustedPeer_forwardedForChain_isKeptAndPeerAppended() throws Exception {
        try (TestBackend trustingBackend = TestBackend.start("trusting");
                RunningProxy trusting =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .trustedProxy("127.0.0.1/32")
                                        .backend(trustingBackend.address())
                                        .build())) {
            send(
                    trusting,
                    get(
                            "X-Forwarded-For: 203.0.113.9, 10.0.0.1\r\n"
                                    + "X-Forwarded-Proto: https\r\n"
                                    + "X-Forwarded-Host: www.example.test\r\n"));

            assertThat(trustingBackend.requests()).hasSize(1);
            HttpHeaders received = trustingBackend.requests().get(0).headers();
            assertThat(received.getAll("x-forwarded-for"))
                    .containsExactly("203.0.113.9, 10.0.0.1, 127.0.0.1");
            assertThat(received.getAll("x-forwarded-proto")).containsExactly("https");
            assertThat(received.getAll("x-forwarded-host")).containsExactly("www.example.test");
        }
    }

    @Test
    void requestWithoutId_getsSixteenHexDigitsFreshEachTime() throws Exception {
        send(proxy, get(""));
        send(proxy, get(""));

        assertThat(backend.requests()).hasSize(2);
        String first = backend.requests().get(0).headers().get("x-request-id");
        String second = backend.requests().get(1).headers().get("x-request-id");
        assertThat(first).matches(SIXTEEN_HEX);
        assertThat(second).matches(SIXTEEN_HEX).isNotEqualTo(first);
    }

    @Test
    void wellFormedRequestId_isKept() throws Exception {
        send(proxy, get("X-Request-Id: trace-42.A:7_b\r\n"));

        assertThat(onlyRequestHeaders().getAll("x-request-id")).containsExactly("trace-42.A:7_b");
    }

    @Test
    void malformedRequestId_isReplacedByAFreshOne() throws Exception {
        send(proxy, get("X-Request-Id: id with spaces\r\n"));

        assertThat(onlyRequestHeaders().getAll("x-request-id"))
                .singleElement()
                .asString()
                .matches(SIXTEEN_HEX);
    }

    @Test
    void hopByHopResponseHeaders_areNotReturnedToClient() throws Exception {
        backend.responder(
                (request, reply) -> {
                    DefaultFullHttpResponse response =
                            new DefaultFullHttpResponse(
                                    HttpVersion.HTTP_1_1,
                                    HttpResponseStatus.OK,
                                    Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII));
                    response.headers()
                            .set("Content-Length", 4)
                            .set("Keep-Alive", "timeout=5")
                            .set("Connection", "foo")
                            .set("Foo", "bar")
                            .set("Proxy-Authenticate", "Basic realm=\"inner\"")
                            .set("Upgrade", "h2c")
                            .set("X-Kept", "yes");
                    reply.custom(response);
                });

        RawResponse response = send(proxy, get(""));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("body");
        assertThat(response.header("keep-alive")).as("keep-alive").isNull();
        assertThat(response.header("connection")).as("connection").isNull();
        assertThat(response.header("foo")).as("foo").isNull();
        assertThat(response.header("proxy-authenticate")).as("proxy-authenticate").isNull();
        assertThat(response.header("upgrade")).as("upgrade").isNull();
        assertThat(response.header("x-kept")).isEqualTo("yes");
    }

    private HttpHeaders onlyRequestHeaders() {
        assertThat(backend.requests()).hasSize(1);
        return backend.requests().get(0).headers();
    }

    private static String get(String extraHeaders) {
        return "GET / HTTP/1.1\r\n" + HOST + extraHeaders + "\r\n";
    }

    private static RawResponse send(RunningProxy target, String request) throws IOException {
        try (RawHttpConnection connection = RawHttpConnection.open(target.address())) {
            return connection.send(request).readResponse();
        }
    }
}
