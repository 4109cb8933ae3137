package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.LimitsConfig;
import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sends malformed and ambiguous requests byte for byte on raw sockets and checks that each one is
 * refused with its status, that the proxy closes the connection after the refusal, that nothing
 * reaches the backend, and that the proxy goes on serving well-formed requests.
 *
 * <p>The limits are small to reach them cheaply: {@code max_request_line} 1 KiB, {@code
 * max_header_bytes} 4 KiB, {@code max_headers} 20. For a case marked "(body)" the head is valid and
 * only the chunked body is broken, so the proxy may already have opened a backend connection
 * (bodies stream), but no request ever completes there; for every other case the backend accepts no
 * connection at all. Each refusal is counted in {@code portcullis_blocked_total} under its {@code
 * reason}.
 *
 * <p>Beside the corpus: a valid request followed on the same connection by a {@code Content-Length}
 * + {@code Transfer-Encoding} one is served (200) and the second refused (400), the backend seeing
 * one request; and a body whose bytes look like a request reaches the backend as that body, never
 * as a second request.
 *
 * <p>The corpus, with the status and reason of each case:
 *
 * <pre>
 * case                                            status  reason
 * Content-Length with Transfer-Encoding           400     smuggling
 * Transfer-Encoding with Content-Length           400     smuggling
 * duplicate Content-Length, same value            400     smuggling
 * duplicate Content-Length, different values      400     smuggling
 * Content-Length with plus sign                   400     smuggling
 * Content-Length negative                         400     smuggling
 * Content-Length in hex                           400     smuggling
 * Content-Length as a list                        400     smuggling
 * Content-Length with inner space                 400     smuggling
 * Content-Length empty                            400     smuggling
 * Content-Length overflowing 64 bits              400     smuggling
 * Transfer-Encoding: chunked, x                   400     smuggling
 * Transfer-Encoding: xchunked                     501     smuggling
 * Transfer-Encoding: gzip, chunked                501     smuggling
 * Transfer-Encoding: identity                     501     smuggling
 * Transfer-Encoding: chunked, chunked             400     smuggling
 * Transfer-Encoding twice                         400     smuggling
 * Transfer-Encoding on HTTP/1.0                   400     smuggling
 * Transfer-Encoding folded (obs-fold)             400     smuggling
 * Transfer-Encoding with space before colon       400     smuggling
 * Transfer-Encoding with tab before colon         400     smuggling
 * Transfer-Encoding with vertical tab in value    400     smuggling
 * obs-fold in an ordinary header                  400     smuggling
 * bare LF ending the request line                 400     smuggling
 * bare LF ending a header line                    400     smuggling
 * bare LF ending the head                         400     smuggling
 * bare CR inside a header value                   400     smuggling
 * bare CR in the request line                     400     smuggling
 * NUL in a header value                           400     smuggling
 * DEL in a header value                           400     smuggling
 * control byte in a header value                  400     smuggling
 * control byte in a header name                   400     smuggling
 * empty header name                               400     smuggling
 * header line without colon                       400     smuggling
 * space before colon                              400     smuggling
 * missing Host                                    400     malformed
 * duplicate Host                                  400     smuggling
 * empty Host                                      400     malformed
 * Host with userinfo                              400     malformed
 * Host with port over 65535                       400     malformed
 * Host with a space                               400     malformed
 * absolute-form authority differing from Host     400     smuggling
 * absolute-form with a scheme other than http(s)  400     malformed
 * version HTTP/2.0                                505     malformed
 * version HTTP/1.2                                505     malformed
 * version in lower case                           400     malformed
 * version HTTP/1.10                               400     malformed
 * version missing                                 400     malformed
 * double space after the method                   400     malformed
 * space before the method                         400     malformed
 * separator in the method                         400     malformed
 * non-ASCII byte in the target                    400     malformed
 * backslash in the target                         400     malformed
 * bad percent-encoding                            400     malformed
 * truncated percent-encoding                      400     malformed
 * fragment in the target                          400     malformed
 * target without a leading slash                  400     malformed
 * asterisk target on GET                          400     malformed
 * CONNECT                                         405     malformed
 * request line over max_request_line              414     limit
 * header block over max_header_bytes              431     limit
 * more fields than max_headers                    431     limit
 * chunk size not hexadecimal (body)               400     smuggling
 * chunk size over 64 bits (body)                  400     smuggling
 * chunk size after a space (body)                 400     smuggling
 * chunk extension without a name (body)           400     smuggling
 * chunk extension with an open quote (body)       400     smuggling
 * chunk data not followed by CRLF (body)          400     smuggling
 * chunk data followed by bare LF (body)           400     smuggling
 * chunk size line ended by bare LF (body)         400     smuggling
 * obs-fold in a trailer (body)                    400     smuggling
 * </pre>
 */
class MalformedRequestCorpusIT {

    private static final String SMUGGLING = MeterNames.REASON_SMUGGLING;
    private static final String LIMIT = MeterNames.REASON_LIMIT;
    private static final String MALFORMED = MeterNames.REASON_MALFORMED;
    private static final String HOST = "Host: portcullis.test\r\n";
    private static final String CHUNKED_POST =
            "POST /upload HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n";
    private static final String WELL_FORMED = "GET /after HTTP/1.1\r\n" + HOST + "\r\n";

    private static final LimitsConfig SMALL_LIMITS =
            new LimitsConfig(
                    20_000,
                    200,
                    ByteSize.ofKibibytes(1),
                    ByteSize.ofKibibytes(4),
                    20,
                    ByteSize.ofMebibytes(1),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(60));

    private TestBackend backend;
    private RunningProxy proxy;

    /**
     * One entry of the corpus.
     *
     * @param name what is wrong with the request
     * @param bytes the request, one char per byte
     * @param status the status the proxy must answer with
     * @param reason the {@code reason} tag the refusal must be counted under
     * @param headValid whether the head is acceptable and only the body is broken
     */
    record Case(String name, String bytes, int status, String reason, boolean headValid) {

        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    @BeforeEach
    void startProxy() throws Exception {
        backend = TestBackend.start("origin");
        proxy =
                RunningProxy.start(
                        TestConfigs.builder()
                                .limits(SMALL_LIMITS)
                                .backend(backend.address())
                                .build());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
        backend.close();
    }

    static Stream<Case> corpus() {
        return Stream.of(
                        framingCases(),
                        lineEndingAndControlCases(),
                        hostCases(),
                        requestLineCases(),
                        limitCases(),
                        chunkedBodyCases())
                .flatMap(cases -> cases);
    }

    private static Stream<Case> framingCases() {
        return Stream.of(
                head(
                        "Content-Length with Transfer-Encoding",
                        post("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding with Content-Length",
                        post("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n") + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "duplicate Content-Length, same value",
                        post("Content-Length: 4\r\nContent-Length: 4\r\n") + "abcd",
                        400,
                        SMUGGLING),
                head(
                        "duplicate Content-Length, different values",
                        post("Content-Length: 4\r\nContent-Length: 5\r\n") + "abcde",
                        400,
                        SMUGGLING),
                head(
                        "Content-Length with plus sign",
                        post("Content-Length: +4\r\n") + "abcd",
                        400,
                        SMUGGLING),
                head(
                        "Content-Length negative",
                        post("Content-Length: -4\r\n") + "abcd",
                        400,
                        SMUGGLING),
                head(
                        "Content-Length in hex",
                        post("Content-Length: 0x4\r\n") + "abcd",
                        400,
                        SMUGGLING),
                head(
                        "Content-Length as a list",
                        post("Content-Length: 4, 4\r\n") + "abcd",
                        400,
                        SMUGGLING),
                head(
                        "Content-Length with inner space",
                        post("Content-Length: 4 4\r\n") + "abcd",
                        400,
                        SMUGGLING),
                head("Content-Length empty", post("Content-Length: \r\n"), 400, SMUGGLING),
                head(
                        "Content-Length overflowing 64 bits",
                        post("Content-Length: 18446744073709551620\r\n") + "abcd",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding: chunked, x",
                        post("Transfer-Encoding: chunked, x\r\n") + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding: xchunked",
                        post("Transfer-Encoding: xchunked\r\n") + "0\r\n\r\n",
                        501,
                        SMUGGLING),
                head(
                        "Transfer-Encoding: gzip, chunked",
                        post("Transfer-Encoding: gzip, chunked\r\n") + "0\r\n\r\n",
                        501,
                        SMUGGLING),
                head(
                        "Transfer-Encoding: identity",
                        post("Transfer-Encoding: identity\r\n") + "0\r\n\r\n",
                        501,
                        SMUGGLING),
                head(
                        "Transfer-Encoding: chunked, chunked",
                        post("Transfer-Encoding: chunked, chunked\r\n") + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding twice",
                        post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")
                                + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding on HTTP/1.0",
                        "POST / HTTP/1.0\r\n"
                                + HOST
                                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding folded (obs-fold)",
                        post("Transfer-Encoding:\r\n chunked\r\n") + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding with space before colon",
                        post("Transfer-Encoding : chunked\r\n") + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding with tab before colon",
                        post("Transfer-Encoding\t: chunked\r\n") + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "Transfer-Encoding with vertical tab in value",
                        post("Transfer-Encoding: \u000bchunked\r\n") + "0\r\n\r\n",
                        400,
                        SMUGGLING),
                head(
                        "obs-fold in an ordinary header",
                        get("X-Note: one\r\n two\r\n"),
                        400,
                        SMUGGLING));
    }

    private static Stream<Case> lineEndingAndControlCases() {
        return Stream.of(
                head(
                        "bare LF ending the request line",
                        "GET / HTTP/1.1\n" + HOST + "\r\n",
                        400,
                        SMUGGLING),
                head("bare LF ending a header line", get("X-Note: a\n"), 400, SMUGGLING),
                head("bare LF ending the head", "GET / HTTP/1.1\r\n" + HOST + "\n", 400, SMUGGLING),
                head("bare CR inside a header value", get("X-Note: a\rb\r\n"), 400, SMUGGLING),
                head(
                        "bare CR in the request line",
                        "GET /\r HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        SMUGGLING),
                head("NUL in a header value", get("X-Note: a\u0000b\r\n"), 400, SMUGGLING),
                head("DEL in a header value", get("X-Note: a\u007fb\r\n"), 400, SMUGGLING),
                head("control byte in a header value", get("X-Note: a\u0001b\r\n"), 400, SMUGGLING),
                head("control byte in a header name", get("X-No\u0001te: a\r\n"), 400, SMUGGLING),
                head("empty header name", get(": a\r\n"), 400, SMUGGLING),
                head("header line without colon", get("X-Note\r\n"), 400, SMUGGLING),
                head(
                        "space before colon",
                        "GET / HTTP/1.1\r\nHost : portcullis.test\r\n\r\n",
                        400,
                        SMUGGLING));
    }

    private static Stream<Case> hostCases() {
        return Stream.of(
                head("missing Host", "GET / HTTP/1.1\r\n\r\n", 400, MALFORMED),
                head("duplicate Host", get("Host: other.test\r\n"), 400, SMUGGLING),
                head("empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n", 400, MALFORMED),
                head(
                        "Host with userinfo",
                        "GET / HTTP/1.1\r\nHost: user@host.test\r\n\r\n",
                        400,
                        MALFORMED),
                head(
                        "Host with port over 65535",
                        "GET / HTTP/1.1\r\nHost: h.test:99999\r\n\r\n",
                        400,
                        MALFORMED),
                head(
                        "Host with a space",
                        "GET / HTTP/1.1\r\nHost: h.test evil\r\n\r\n",
                        400,
                        MALFORMED),
                head(
                        "absolute-form authority differing from Host",
                        "GET http://other.test/ HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        SMUGGLING),
                head(
                        "absolute-form with a scheme other than http(s)",
                        "GET ftp://portcullis.test/ HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED));
    }

    private static Stream<Case> requestLineCases() {
        return Stream.of(
                head("version HTTP/2.0", "GET / HTTP/2.0\r\n" + HOST + "\r\n", 505, MALFORMED),
                head("version HTTP/1.2", "GET / HTTP/1.2\r\n" + HOST + "\r\n", 505, MALFORMED),
                head("version in lower case", "GET / http/1.1\r\n" + HOST + "\r\n", 400, MALFORMED),
                head("version HTTP/1.10", "GET / HTTP/1.10\r\n" + HOST + "\r\n", 400, MALFORMED),
                head("version missing", "GET /\r\n" + HOST + "\r\n", 400, MALFORMED),
                head(
                        "double space after the method",
                        "GET  / HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "space before the method",
                        " GET / HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "separator in the method",
                        "G(ET / HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "non-ASCII byte in the target",
                        "GET /caf\u00e9 HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "backslash in the target",
                        "GET /a\\..\\b HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "bad percent-encoding",
                        "GET /a%zz HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "truncated percent-encoding",
                        "GET /a%4 HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "fragment in the target",
                        "GET /a#b HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "target without a leading slash",
                        "GET a/b HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "asterisk target on GET",
                        "GET * HTTP/1.1\r\n" + HOST + "\r\n",
                        400,
                        MALFORMED),
                head(
                        "CONNECT",
                        "CONNECT portcullis.test:443 HTTP/1.1\r\n"
                                + "Host: portcullis.test:443\r\n\r\n",
                        405,
                        MALFORMED));
    }

    private static Stream<Case> limitCases() {
        StringBuilder bigHeaders = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            bigHeaders
                    .append("X-Pad-")
                    .append(i)
                    .append(": ")
                    .append("a".repeat(900))
                    .append("\r\n");
        }
        StringBuilder manyHeaders = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            manyHeaders.append("X-Field-").append(i).append(": v\r\n");
        }
        return Stream.of(
                head(
                        "request line over max_request_line",
                        "GET /" + "a".repeat(1100) + " HTTP/1.1\r\n" + HOST + "\r\n",
                        414,
                        LIMIT),
                head("header block over max_header_bytes", get(bigHeaders.toString()), 431, LIMIT),
                head("more fields than max_headers", get(manyHeaders.toString()), 431, LIMIT));
    }

    private static Stream<Case> chunkedBodyCases() {
        return Stream.of(
                body(
                        "chunk size not hexadecimal",
                        CHUNKED_POST + "zz\r\nhello\r\n0\r\n\r\n",
                        SMUGGLING),
                body(
                        "chunk size over 64 bits",
                        CHUNKED_POST + "f".repeat(17) + "\r\nhello\r\n",
                        SMUGGLING),
                body(
                        "chunk size after a space",
                        CHUNKED_POST + " 5\r\nhello\r\n0\r\n\r\n",
                        SMUGGLING),
                body(
                        "chunk extension without a name",
                        CHUNKED_POST + "5;\r\nhello\r\n0\r\n\r\n",
                        SMUGGLING),
                body(
                        "chunk extension with an open quote",
                        CHUNKED_POST + "5;a=\"x\r\nhello\r\n0\r\n\r\n",
                        SMUGGLING),
                body(
                        "chunk data not followed by CRLF",
                        CHUNKED_POST + "5\r\nhelloX\r\n0\r\n\r\n",
                        SMUGGLING),
                body(
                        "chunk data followed by bare LF",
                        CHUNKED_POST + "5\r\nhello\n0\r\n\r\n",
                        SMUGGLING),
                body(
                        "chunk size line ended by bare LF",
                        CHUNKED_POST + "5\nhello\r\n0\r\n\r\n",
                        SMUGGLING),
                body(
                        "obs-fold in a trailer",
                        CHUNKED_POST + "5\r\nhello\r\n0\r\nX-Sum: 1\r\n 2\r\n\r\n",
                        SMUGGLING));
    }

    private static Case head(String name, String bytes, int status, String reason) {
        return new Case(name, bytes, status, reason, false);
    }

    private static Case body(String name, String bytes, String reason) {
        return new Case(name, bytes, 400, reason, true);
    }

    private static String get(String extraHeaders) {
        return "GET / HTTP/1.1\r\n" + HOST + extraHeaders + "\r\n";
    }

    private static String post(String extraHeaders) {
        return "POST /upload HTTP/1.1\r\n" + HOST + extraHeaders + "\r\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void malformedRequest_sentRaw_refusedClosedAndNeverForwarded(Case request) throws Exception {
        RawResponse response;
        boolean closed;
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            connection.send(request.bytes());

            response = connection.readResponse();
            closed = connection.closedByPeer();
        }
        int connectionsBefore = backend.acceptedConnections();
        RawResponse afterwards = sendOnNewConnection(WELL_FORMED);

        assertThat(response.status()).as("status").isEqualTo(request.status());
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertThat(closed).as("closed by the proxy").isTrue();
        assertThat(blocked(request.reason())).as("refusals counted").isEqualTo(1.0);
        if (!request.headValid()) {
            assertThat(connectionsBefore).as("backend connections before").isZero();
            assertThat(backend.acceptedConnections()).as("backend connections after").isEqualTo(1);
        }
        assertThat(afterwards.status()).isEqualTo(200);
        assertThat(backend.requests())
                .as("requests the backend received")
                .extracting(TestBackend.Recorded::uri)
                .containsExactly("/after");
    }

    @Test
    void validThenMalformed_pipelinedOnOneConnection_firstServedSecondRefused() throws Exception {
        String valid = "GET /first HTTP/1.1\r\n" + HOST + "\r\n";
        String smuggling =
                post("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n";

        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            connection.send(valid + smuggling);
            RawResponse first = connection.readResponse();
            RawResponse second = connection.readResponse();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.bodyText()).isEqualTo("origin");
            assertThat(second.status()).isEqualTo(400);
            assertThat(connection.closedByPeer()).isTrue();
        }
        assertThat(backend.requests())
                .extracting(TestBackend.Recorded::uri)
                .containsExactly("/first");
    }

    @Test
    void bodyShapedLikeARequest_withContentLength_reachesBackendAsBody() throws Exception {
        String hidden = "GET /hidden HTTP/1.1\r\n" + HOST + "\r\n";
        String carrier = post("Content-Length: " + hidden.length() + "\r\n") + hidden;

        RawResponse response = sendOnNewConnection(carrier);

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.requests()).hasSize(1);
        assertThat(backend.requests().get(0).uri()).isEqualTo("/upload");
        assertThat(backend.requests().get(0).bodyLength()).isEqualTo(hidden.length());
    }

    private double blocked(String reason) {
        return proxy.registry()
                .get(MeterNames.BLOCKED)
                .tag(MeterNames.TAG_REASON, reason)
                .counter()
                .count();
    }

    private RawResponse sendOnNewConnection(String request) throws IOException {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            return connection.send(request).readResponse();
        }
    }
}
