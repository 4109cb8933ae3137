package dev.portcullis.server.h1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Http1RequestDecoderTest {

    private final List<Object> events = new ArrayList<>();
    private final Http1RequestDecoder decoder = new Http1RequestDecoder(1024, 2048, 20);
    private final EmbeddedChannel channel =
            new EmbeddedChannel(
                    decoder,
                    new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            events.add(evt);
                        }
                    });

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                refused("GET / HTTP/1.1\nHost: a\r\n\r\n", RequestRejection.BARE_LF),
                refused("GET / HTTP/1.1\r\nHost: a\n\r\n", RequestRejection.BARE_LF),
                refused("GET / HTTP/1.1\r\nHost: a\r\n\n", RequestRejection.BARE_LF),
                refused("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", RequestRejection.BARE_CR),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n",
                        RequestRejection.OBS_FOLD),
                refused("GET / HTTP/1.1\r\nHost : a\r\n\r\n", RequestRejection.SPACE_BEFORE_COLON),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\nX: \0\r\n\r\n",
                        RequestRejection.BAD_HEADER_VALUE),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0001b\r\n\r\n",
                        RequestRejection.BAD_HEADER_VALUE),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\nX\u0001: b\r\n\r\n",
                        RequestRejection.BAD_HEADER_NAME),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n",
                        RequestRejection.BAD_HEADER_NAME),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
                        RequestRejection.BAD_HEADER_NAME),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n",
                        RequestRejection.CONTENT_LENGTH_WITH_TRANSFER_ENCODING),
                refused(
                        "POST / HTTP/1.1\r\n"
                                + "Host: a\r\n"
                                + "Content-Length: 3\r\n"
                                + "Content-Length: 3\r\n\r\n",
                        RequestRejection.SEVERAL_CONTENT_LENGTHS),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n",
                        RequestRejection.BAD_CONTENT_LENGTH),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n",
                        RequestRejection.BAD_CONTENT_LENGTH),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n",
                        RequestRejection.BAD_CONTENT_LENGTH),
                refused(
                        "POST / HTTP/1.1\r\n"
                                + "Host: a\r\n"
                                + "Content-Length: 99999999999999999999\r\n\r\n",
                        RequestRejection.BAD_CONTENT_LENGTH),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n",
                        RequestRejection.SEVERAL_TRANSFER_ENCODINGS),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                        RequestRejection.CHUNKED_NOT_FINAL),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                        RequestRejection.CHUNKED_NOT_FINAL),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                        RequestRejection.UNSUPPORTED_TRANSFER_CODING),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
                        RequestRejection.UNSUPPORTED_TRANSFER_CODING),
                refused(
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n",
                        RequestRejection.BAD_HEADER_VALUE),
                refused(
                        "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
                        RequestRejection.TRANSFER_ENCODING_IN_HTTP_1_0),
                refused("GET / HTTP/1.1\r\n\r\n", RequestRejection.MISSING_HOST),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                        RequestRejection.SEVERAL_HOSTS),
                refused("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", RequestRejection.BAD_HOST),
                refused("GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", RequestRejection.BAD_HOST),
                refused("GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", RequestRejection.BAD_HOST),
                refused("GET / HTTP/1.1\r\nHost: \r\n\r\n", RequestRejection.BAD_HOST),
                refused(
                        "GET http://b.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n",
                        RequestRejection.HOST_MISMATCH),
                refused(
                        "GET http://u@a.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n",
                        RequestRejection.BAD_TARGET),
                refused("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_TARGET),
                refused("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", RequestRejection.BAD_REQUEST_LINE),
                refused("GET /\u00a0x HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_TARGET),
                refused("GET /a\\b HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_TARGET),
                refused("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_TARGET),
                refused("GET /#frag HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_TARGET),
                refused("GET * HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_TARGET),
                refused("GET x HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_TARGET),
                refused("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_REQUEST_LINE),
                refused("GET / HTTP/2.0\r\nHost: a\r\n\r\n", RequestRejection.UNSUPPORTED_VERSION),
                refused("GET / http/1.1\r\nHost: a\r\n\r\n", RequestRejection.BAD_REQUEST_LINE),
                refused("GET /\r\nHost: a\r\n\r\n", RequestRejection.BAD_TARGET),
                refused(
                        "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
                        RequestRejection.CONNECT_NOT_ALLOWED),
                refused(
                        "GET /" + "a".repeat(1100) + " HTTP/1.1\r\nHost: a\r\n\r\n",
                        RequestRejection.REQUEST_LINE_TOO_LONG),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\nX: " + "b".repeat(2100) + "\r\n\r\n",
                        RequestRejection.HEADERS_TOO_LARGE),
                refused(
                        "GET / HTTP/1.1\r\nHost: a\r\n" + "X: y\r\n".repeat(20) + "\r\n",
                        RequestRejection.TOO_MANY_HEADERS),
                refused(chunked("zz\r\nabc\r\n0\r\n\r\n"), RequestRejection.BAD_CHUNK_SIZE),
                refused(chunked("-3\r\nabc\r\n0\r\n\r\n"), RequestRejection.BAD_CHUNK_SIZE),
                refused(chunked("\r\nabc\r\n0\r\n\r\n"), RequestRejection.BAD_CHUNK_SIZE),
                refused(chunked("11111111111111111\r\n"), RequestRejection.BAD_CHUNK_SIZE),
                refused(chunked("3 \r\nabc\r\n0\r\n\r\n"), RequestRejection.BAD_CHUNK_EXTENSION),
                refused(chunked("3;\r\nabc\r\n0\r\n\r\n"), RequestRejection.BAD_CHUNK_EXTENSION),
                refused(
                        chunked("3;a=\"x\r\nabc\r\n0\r\n\r\n"),
                        RequestRejection.BAD_CHUNK_EXTENSION),
                refused(chunked("3\nabc\r\n0\r\n\r\n"), RequestRejection.BARE_LF),
                refused(chunked("3\r\nabcX\r\n0\r\n\r\n"), RequestRejection.BAD_CHUNK_TERMINATOR),
                refused(chunked("3\r\nabc\n0\r\n\r\n"), RequestRejection.BARE_LF),
                refused(
                        chunked("3\r\nabc\r\n0\r\nX : y\r\n\r\n"),
                        RequestRejection.SPACE_BEFORE_COLON),
                refused("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", RequestRejection.BARE_LF));
    }

    private static Arguments refused(String request, RequestRejection expected) {
        String label = request.length() > 60 ? request.substring(0, 60) + "..." : request;
        return Arguments.of(label.replace("\r", "\\r").replace("\n", "\\n"), request, expected);
    }

    private static String chunked(String body) {
        return "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRequests")
    void malformedRequest_anyByteSplit_isRejectedWithItsReason(
            String label, String request, RequestRejection expected) {
        channel.writeInbound(bytes(request));

        RejectedRequest rejected = lastMessageAs(RejectedRequest.class);

        assertThat(rejected.rejection()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRequests")
    void malformedRequest_fedOneByteAtATime_isRejectedWithItsReason(
            String label, String request, RequestRejection expected) {
        byte[] raw = request.getBytes(StandardCharsets.ISO_8859_1);
        for (byte b : raw) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(lastMessageAs(RejectedRequest.class).rejection()).isEqualTo(expected);
    }

    @Test
    void rejectedRequest_moreBytesFollow_areDiscarded() {
        channel.writeInbound(bytes("GET / HTTP/1.1\r\nHost : a\r\n\r\n"));
        channel.writeInbound(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));

        List<Object> messages = drainInbound();

        assertThat(messages).hasSize(1).first().isInstanceOf(RejectedRequest.class);
    }

    @Test
    void simpleGet_decodes_headAndEmptyLastContent() {
        channel.writeInbound(
                bytes("GET /a?b=c HTTP/1.1\r\nHost: Example.COM\r\nX-Y:  z  \r\n\r\n"));

        List<Object> messages = drainInbound();

        assertThat(messages).hasSize(2);
        HttpRequest request = (HttpRequest) messages.get(0);
        assertThat(request.method()).isEqualTo(HttpMethod.GET);
        assertThat(request.uri()).isEqualTo("/a?b=c");
        assertThat(request.headers().get("host")).isEqualTo("Example.COM");
        assertThat(request.headers().get("x-y")).isEqualTo("z");
        assertThat(messages.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(events).containsExactly(Http1RequestDecoder.HEAD_STARTED);
    }

    @Test
    void absoluteFormTarget_matchingHost_becomesOriginForm() {
        channel.writeInbound(
                bytes("GET http://a.example:80?x HTTP/1.1\r\nHost: A.example\r\n\r\n"));

        HttpRequest request = (HttpRequest) drainInbound().get(0);

        assertThat(request.uri()).isEqualTo("/?x");
    }

    @Test
    void fixedLengthBody_arrivesAsSlicesEndingWithLastContent() {
        channel.writeInbound(
                bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n01234"));
        channel.writeInbound(bytes("56789"));

        List<Object> messages = drainInbound();

        assertThat(messages).hasSize(3);
        assertThat(contentOf(messages.get(1))).isEqualTo("01234");
        assertThat(messages.get(2)).isInstanceOf(LastHttpContent.class);
        assertThat(contentOf(messages.get(2))).isEqualTo("56789");
    }

    @Test
    void chunkedBody_withExtensionsAndTrailers_decodes() {
        channel.writeInbound(
                bytes(
                        chunked(
                                "3;name=value;q=\"a b\"\r\n"
                                        + "abc\r\n"
                                        + "2 ; x\r\n"
                                        + "de\r\n"
                                        + "0\r\n"
                                        + "X-T: 1\r\n\r\n")));

        List<Object> messages = drainInbound();

        StringBuilder body = new StringBuilder();
        for (Object message : messages.subList(1, messages.size())) {
            body.append(contentOf(message));
        }
        assertThat(body).hasToString("abcde");
        LastHttpContent last = (LastHttpContent) messages.get(messages.size() - 1);
        assertThat(last.trailingHeaders().get("x-t")).isEqualTo("1");
    }

    @Test
    void pipelinedRequests_secondWaitsUntilResume() {
        channel.writeInbound(
                bytes("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));

        List<Object> first = drainInbound();
        assertThat(first).hasSize(2);
        assertThat(((HttpRequest) first.get(0)).uri()).isEqualTo("/1");

        boolean started = decoder.resume();

        assertThat(started).isTrue();
        List<Object> second = drainInbound();
        assertThat(second).hasSize(2);
        assertThat(((HttpRequest) second.get(0)).uri()).isEqualTo("/2");
    }

    @Test
    void resume_withoutPipelinedBytes_reportsNoNewRequest() {
        channel.writeInbound(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        drainInbound();

        assertThat(decoder.resume()).isFalse();
    }

    @Test
    void leadingEmptyLines_areIgnored() {
        channel.writeInbound(bytes("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"));

        assertThat(drainInbound().get(0)).isInstanceOf(HttpRequest.class);
    }

    @Test
    void tunnel_passesRemainingBytesThrough() {
        channel.writeInbound(bytes("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\nraw"));
        drainInbound();

        decoder.switchToTunnel();
        channel.writeInbound(bytes("more"));

        StringBuilder relayed = new StringBuilder();
        for (Object message : drainInbound()) {
            ByteBuf buffer = (ByteBuf) message;
            relayed.append(buffer.toString(StandardCharsets.US_ASCII));
            buffer.release();
        }
        assertThat(relayed).hasToString("rawmore");
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private List<Object> drainInbound() {
        List<Object> messages = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            messages.add(message);
        }
        return messages;
    }

    private <T> T lastMessageAs(Class<T> type) {
        List<Object> messages = drainInbound();
        assertThat(messages).isNotEmpty();
        Object last = messages.get(messages.size() - 1);
        for (Object message : messages) {
            if (message != last) {
                ReferenceCountUtil.release(message);
            }
        }
        assertThat(last).isInstanceOf(type);
        return type.cast(last);
    }

    private static String contentOf(Object message) {
        HttpContent content = (HttpContent) message;
        String text = content.content().toString(StandardCharsets.US_ASCII);
        content.release();
        return text;
    }
}
