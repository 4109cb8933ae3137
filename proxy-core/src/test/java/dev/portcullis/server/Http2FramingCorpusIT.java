package dev.portcullis.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.portcullis.testing.H2Client;
import dev.portcullis.testing.LogCapture;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The strict-framing corpus as HTTP/2 frames, sent in clear text with prior knowledge by a raw
 * client that checks nothing it sends. Each case is refused, the backend receives nothing of it
 * (not one complete request; where DATA passed before the mismatch showed, the backend connection
 * that carried it is never used again), and a good request that follows is served: on the same
 * connection, which each of these refusals leaves open.
 *
 * <p>Most cases are refused by Netty's frame codec as stream errors, which the proxy turns into
 * RST_STREAM with the codec's error code; the rest are the proxy's own rules of {@link
 * Http2RequestRules}, answered with the status of the rule. The cases and what the proxy does:
 *
 * <pre>
 * case                                    outcome
 * connection                              RST_STREAM PROTOCOL_ERROR
 * keep-alive                              RST_STREAM PROTOCOL_ERROR
 * proxy-connection                        RST_STREAM PROTOCOL_ERROR
 * transfer-encoding                       RST_STREAM PROTOCOL_ERROR
 * upgrade                                 RST_STREAM PROTOCOL_ERROR
 * te: gzip                                RST_STREAM PROTOCOL_ERROR
 * content-length above DATA               RST_STREAM PROTOCOL_ERROR
 * content-length below DATA               RST_STREAM PROTOCOL_ERROR
 * content-length below two DATA frames    RST_STREAM PROTOCOL_ERROR
 * content-length above, empty last DATA   RST_STREAM PROTOCOL_ERROR
 * content-length not a number             RST_STREAM PROTOCOL_ERROR
 * upper-case field name                   RST_STREAM PROTOCOL_ERROR
 * pseudo-header after a regular one       RST_STREAM PROTOCOL_ERROR
 * missing :path                           RST_STREAM PROTOCOL_ERROR
 * missing :method                         RST_STREAM PROTOCOL_ERROR
 * missing :scheme                         RST_STREAM PROTOCOL_ERROR
 * duplicate :path                         RST_STREAM PROTOCOL_ERROR
 * unknown pseudo-header                   RST_STREAM PROTOCOL_ERROR
 * response pseudo-header in a request     RST_STREAM PROTOCOL_ERROR
 * empty :path                             RST_STREAM PROTOCOL_ERROR
 * host differing from :authority          RST_STREAM PROTOCOL_ERROR
 * CR in a value                           RST_STREAM PROTOCOL_ERROR
 * LF in a value                           RST_STREAM PROTOCOL_ERROR
 * NUL in a value                          RST_STREAM PROTOCOL_ERROR
 * leading space in a value                RST_STREAM PROTOCOL_ERROR
 * :path without a leading slash           400
 * :authority with a space                 400
 * :authority with userinfo                400
 * :authority with a port over 65535       400
 * CONNECT                                 405
 * </pre>
 *
 * <p>Beside the corpus: a connection error (a WINDOW_UPDATE of zero on the connection) is answered
 * with GOAWAY PROTOCOL_ERROR, and none of these client errors is a WARN in the log.
 */
class Http2FramingCorpusIT {

    private static final String RESET = "RST_STREAM PROTOCOL_ERROR";

    private static TestBackend backend;
    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("corpus");
        proxy = RunningProxy.start(TestConfigs.builder().h2c().backend(backend.address()).build());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    /** A request head, then DATA frames; the last frame sent ends the stream. */
    record Attempt(Http2Headers headers, List<byte[]> data) {}

    private static final String[] GET = {
        ":method", "GET", ":scheme", "http", ":authority", "corpus.test", ":path", "/bad"
    };

    private static Attempt get(String... more) {
        String[] fields = Arrays.copyOf(GET, GET.length + more.length);
        System.arraycopy(more, 0, fields, GET.length, more.length);
        return headers(fields);
    }

    private static Attempt headers(String... fields) {
        return new Attempt(H2Client.rawHeaders(fields), List.of());
    }

    private static Attempt withPath(String path) {
        return headers(
                ":method", "GET", ":scheme", "http", ":authority", "corpus.test", ":path", path);
    }

    private static Attempt withAuthority(String authority) {
        return headers(
                ":method", "GET", ":scheme", "http", ":authority", authority, ":path", "/bad");
    }

    private static Attempt post(String contentLength, int... frameSizes) {
        List<byte[]> frames = new ArrayList<>();
        for (int size : frameSizes) {
            byte[] frame = new byte[size];
            Arrays.fill(frame, (byte) 'x');
            frames.add(frame);
        }
        return new Attempt(
                H2Client.rawHeaders(
                        ":method",
                        "POST",
                        ":scheme",
                        "http",
                        ":authority",
                        "corpus.test",
                        ":path",
                        "/bad",
                        "content-length",
                        contentLength),
                frames);
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("connection", get("connection", "keep-alive"), RESET),
                Arguments.of("keep-alive", get("keep-alive", "timeout=5"), RESET),
                Arguments.of("proxy-connection", get("proxy-connection", "keep-alive"), RESET),
                Arguments.of("transfer-encoding", get("transfer-encoding", "chunked"), RESET),
                Arguments.of("upgrade", get("upgrade", "h2c"), RESET),
                Arguments.of("te: gzip", get("te", "gzip"), RESET),
                Arguments.of("content-length above DATA", post("10", 5), RESET),
                Arguments.of("content-length below DATA", post("5", 10), RESET),
                Arguments.of("content-length below two DATA frames", post("5", 3, 3), RESET),
                Arguments.of("content-length above, empty last DATA", post("10", 5, 0), RESET),
                Arguments.of("content-length not a number", post("five", 5), RESET),
                Arguments.of("upper-case field name", get("X-Upper", "1"), RESET),
                Arguments.of(
                        "pseudo-header after a regular one",
                        headers(
                                ":method",
                                "GET",
                                ":scheme",
                                "http",
                                ":authority",
                                "corpus.test",
                                "user-agent",
                                "corpus",
                                ":path",
                                "/bad"),
                        RESET),
                Arguments.of(
                        "missing :path",
                        headers(":method", "GET", ":scheme", "http", ":authority", "corpus.test"),
                        RESET),
                Arguments.of(
                        "missing :method",
                        headers(":scheme", "http", ":authority", "corpus.test", ":path", "/bad"),
                        RESET),
                Arguments.of(
                        "missing :scheme",
                        headers(":method", "GET", ":authority", "corpus.test", ":path", "/bad"),
                        RESET),
                Arguments.of("duplicate :path", get(":path", "/other"), RESET),
                Arguments.of("unknown pseudo-header", get(":custom", "1"), RESET),
                Arguments.of("response pseudo-header in a request", get(":status", "200"), RESET),
                Arguments.of("empty :path", withPath(""), RESET),
                Arguments.of("host differing from :authority", get("host", "other.test"), RESET),
                Arguments.of("CR in a value", get("x-value", "a\rb"), RESET),
                Arguments.of("LF in a value", get("x-value", "a\nb"), RESET),
                Arguments.of("NUL in a value", get("x-value", "a\0b"), RESET),
                Arguments.of("leading space in a value", get("x-value", " a"), RESET),
                Arguments.of(":path without a leading slash", withPath("bad"), "400"),
                Arguments.of(":authority with a space", withAuthority("corpus test"), "400"),
                Arguments.of(":authority with userinfo", withAuthority("u@corpus.test"), "400"),
                Arguments.of(
                        ":authority with a port over 65535",
                        withAuthority("corpus.test:99999"),
                        "400"),
                Arguments.of(
                        "CONNECT",
                        headers(":method", "CONNECT", ":authority", "corpus.test:443"),
                        "405"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void malformedRequest_overH2c_isRefusedAndNeverReachesBackend(
            String name, Attempt attempt, String expected) throws Exception {
        int before = backend.requests().size();
        String outcome;
        int good;
        try (H2Client client = H2Client.cleartext(proxy.address())) {
            outcome = describe(client, send(client, attempt));
            good =
                    client.exchange(H2Client.request("GET", "http", "corpus.test", "/good"))
                            .status();
        }

        assertThat(outcome).isEqualTo(expected);
        assertThat(good).as("a good request after it on the same connection").isEqualTo(200);
        assertThat(backend.requests().subList(before, backend.requests().size()))
                .extracting(TestBackend.Recorded::uri)
                .containsExactly("/good");
    }

    @Test
    void connectionError_zeroWindowIncrement_isAnsweredWithGoAwayProtocolError() throws Exception {
        long code = sendZeroWindowIncrement();

        assertThat(code).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        try (H2Client client = H2Client.cleartext(proxy.address())) {
            assertThat(client.exchange(H2Client.request("GET", "http", "corpus.test", "/good")))
                    .extracting(H2Client.Outcome::status)
                    .isEqualTo(200);
        }
    }

    @Test
    void clientErrors_onStreamsAndConnection_areNoWarningInTheLog() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            try (H2Client client = H2Client.cleartext(proxy.address())) {
                send(client, post("10", 5)); // found by the frame codec
                send(client, get("host", "other.test")); // found by the conversion to HTTP/1.1
                send(client, withPath("bad")); // found by the proxy's own rules
            }
            sendZeroWindowIncrement(); // a connection error

            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    private static H2Client.Outcome send(H2Client client, Attempt attempt) {
        H2Client.Stream stream = client.open(attempt.headers(), attempt.data().isEmpty());
        for (int i = 0; i < attempt.data().size(); i++) {
            stream.data(attempt.data().get(i), i == attempt.data().size() - 1);
        }
        return stream.await();
    }

    private static String describe(H2Client client, H2Client.Outcome outcome) {
        if (outcome.status() != 0) {
            return String.valueOf(outcome.status());
        }
        if (outcome.resetCode() >= 0) {
            return "RST_STREAM " + Http2Error.valueOf(outcome.resetCode());
        }
        if (client.goAway().isDone()) {
            return "GOAWAY " + Http2Error.valueOf(client.goAway().join());
        }
        return "closed";
    }

    /**
     * Sends the preface, empty SETTINGS and a WINDOW_UPDATE of zero for the connection (RFC 9113
     * §6.9: a connection error) on a raw socket, and returns the error code of the GOAWAY that
     * comes back.
     */
    private static long sendZeroWindowIncrement() throws IOException {
        try (Socket socket = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            socket.setSoTimeout((int) H2Client.TIMEOUT.toMillis());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(US_ASCII));
            out.writeBytes(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, empty
            out.writeBytes(new byte[] {0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // WINDOW_UPDATE 0
            socket.getOutputStream().write(out.toByteArray());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            try {
                while (true) {
                    int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                    int type = in.readUnsignedByte();
                    in.readUnsignedByte(); // flags
                    in.readInt(); // stream
                    byte[] payload = new byte[length];
                    in.readFully(payload);
                    if (type == 7) { // GOAWAY: last stream id, then the error code
                        return (payload[4] & 0xffL) << 24
                                | (payload[5] & 0xffL) << 16
                                | (payload[6] & 0xffL) << 8
                                | (payload[7] & 0xffL);
                    }
                }
            } catch (EOFException e) {
                throw new AssertionError("the connection closed without GOAWAY", e);
            }
        }
    }
}
