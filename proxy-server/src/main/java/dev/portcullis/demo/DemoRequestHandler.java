package dev.portcullis.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one demo connection. It sits last in the pipeline and consumes every
 * message: the body is counted and released as it streams in, and the answer is written once the
 * last part has arrived. It asks for messages one at a time (see {@link DemoChannelInitializer})
 * and not at all while an answer is pending, so answers leave in request order, delayed ones
 * included, and an upload is read no faster than it is counted. A request that does not decode is
 * answered with 400 and the connection is closed.
 */
final class DemoRequestHandler extends ChannelInboundHandlerAdapter {

    /** Names the backend on every response, so that a client can see where the proxy sent it. */
    static final AsciiString BACKEND_HEADER = AsciiString.cached("x-demo-backend");

    static final long MAX_BYTES = 1L << 30;
    static final long MAX_DELAY_MILLIS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(DemoRequestHandler.class);

    private static final AsciiString JSON = AsciiString.cached("application/json");
    private static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");

    private final String backend;
    private final byte[] page;

    private @Nullable HttpRequest request;
    private long bodyBytes;
    private @Nullable ScheduledFuture<?> delayedAnswer;

    /** A {@code read()} is outstanding; at most one is, so at most one message is in flight. */
    private boolean reading;

    /** The last part of a request has arrived and its answer has not left yet. */
    private boolean answering;

    DemoRequestHandler(String backend, byte[] page) {
        this.backend = backend;
        this.page = page;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        requestRead(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = false;
        try {
            if (msg instanceof DecoderResultProvider decoded
                    && decoded.decoderResult().isFailure()) {
                refuseMalformed(ctx);
                return;
            }
            if (msg instanceof HttpRequest started) {
                request = started;
                bodyBytes = 0;
            }
            if (msg instanceof HttpContent content) {
                bodyBytes += content.content().readableBytes();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }

        HttpRequest head = request;
        if (msg instanceof LastHttpContent && head != null) {
            request = null;
            answering = true;
            route(ctx, head, bodyBytes);
        }
    }

    /**
     * Asks for the next message unless an answer is pending. A read cycle may end without a message
     * (FlowControlHandler then forgets the read), which is why this happens here and not on each
     * message.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (!answering) {
            requestRead(ctx);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDelayedAnswer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDelayedAnswer();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("demo connection {} failed", ctx.channel(), cause);
        ctx.close();
    }

    private void route(ChannelHandlerContext ctx, HttpRequest head, long bodyLength) {
        String path = new QueryStringDecoder(head.uri()).rawPath();
        int slash = path.indexOf('/', 1);
        String first = slash < 0 ? path : path.substring(0, slash);
        String argument = slash < 0 ? "" : path.substring(slash + 1);
        switch (first) {
            case "/" -> home(ctx, head);
            case "/echo" -> echo(ctx, head, bodyLength);
            case "/status" -> status(ctx, head, argument);
            case "/bytes" -> bytes(ctx, head, argument);
            case "/slow" -> slow(ctx, head, argument);
            case "/ws" -> upgrade(ctx, head, argument);
            default -> notFound(ctx, head);
        }
    }

    private void home(ChannelHandlerContext ctx, HttpRequest head) {
        if (!HttpMethod.GET.equals(head.method()) && !HttpMethod.HEAD.equals(head.method())) {
            FullHttpResponse refusal =
                    json(ctx, head, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
            refusal.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, refusal);
            return;
        }
        send(ctx, full(head, HttpResponseStatus.OK, HTML, Unpooled.wrappedBuffer(page)));
    }

    private void echo(ChannelHandlerContext ctx, HttpRequest head, long bodyLength) {
        ByteBuf body = DemoJson.echo(ctx.alloc(), backend, head, bodyLength);
        send(ctx, full(head, HttpResponseStatus.OK, JSON, body));
    }

    private void status(ChannelHandlerContext ctx, HttpRequest head, String argument) {
        long requested = parseCount(argument);
        if (requested < 0) {
            badRequest(ctx, head, "status: got \"" + argument + "\", must be a number");
            return;
        }
        // 1xx are not final answers; clamping keeps the demo from sending interim responses.
        int code = (int) Math.max(200, Math.min(599, requested));
        HttpResponseStatus status = HttpResponseStatus.valueOf(code);
        if (code == 204 || code == 304) {
            // These have no body by definition, and RFC 9110 §8.6 rules out a Content-Length of
            // 0 on them. Without it HttpServerKeepAliveHandler closes after a 304: harmless here.
            FullHttpResponse empty = full(head, status, null, Unpooled.EMPTY_BUFFER);
            empty.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            send(ctx, empty);
            return;
        }
        ByteBuf body = DemoJson.number(ctx.alloc(), backend, "status", code);
        send(ctx, full(head, status, JSON, body));
    }

    private void bytes(ChannelHandlerContext ctx, HttpRequest head, String argument) {
        long length = parseCount(argument);
        if (length < 0 || length > MAX_BYTES) {
            badRequest(
                    ctx,
                    head,
                    "bytes: got \"" + argument + "\", must be a number from 0 to " + MAX_BYTES);
            return;
        }
        if (HttpMethod.HEAD.equals(head.method())) {
            FullHttpResponse response =
                    full(head, HttpResponseStatus.OK, null, Unpooled.EMPTY_BUFFER);
            setBytesHeaders(response, length);
            send(ctx, response);
            return;
        }
        HttpResponse response =
                new DefaultHttpResponse(head.protocolVersion(), HttpResponseStatus.OK);
        setCommonHeaders(response, head);
        setBytesHeaders(response, length);
        ctx.write(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        ctx.writeAndFlush(new HttpChunkedInput(new RepeatingBytesInput(length)))
                .addListener(written -> answered(ctx));
    }

    private void slow(ChannelHandlerContext ctx, HttpRequest head, String argument) {
        long delay = parseCount(argument);
        if (delay < 0 || delay > MAX_DELAY_MILLIS) {
            badRequest(
                    ctx,
                    head,
                    "slow: got \""
                            + argument
                            + "\", must be milliseconds from 0 to "
                            + MAX_DELAY_MILLIS);
            return;
        }
        // The event loop's timer, not a sleeping thread: other connections go on meanwhile.
        delayedAnswer =
                ctx.executor()
                        .schedule(
                                () -> {
                                    delayedAnswer = null;
                                    ByteBuf body =
                                            DemoJson.number(
                                                    ctx.alloc(), backend, "delay_ms", delay);
                                    send(ctx, full(head, HttpResponseStatus.OK, JSON, body));
                                },
                                delay,
                                TimeUnit.MILLISECONDS);
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest head, String argument) {
        if (!argument.isEmpty()) {
            notFound(ctx, head);
            return;
        }
        HttpHeaders headers = head.headers();
        if (!HttpMethod.GET.equals(head.method())
                || !headers.containsValue(
                        HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            FullHttpResponse refusal =
                    json(ctx, head, HttpResponseStatus.UPGRADE_REQUIRED, "use a WebSocket client");
            // RFC 9110 §7.8: Upgrade goes with the matching Connection option.
            refusal.headers()
                    .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                    .add(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            send(ctx, refusal);
            return;
        }
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(head.uri(), null, false).newHandshaker(head);
        if (handshaker == null) {
            FullHttpResponse refusal =
                    json(ctx, head, HttpResponseStatus.UPGRADE_REQUIRED, "unsupported version");
            refusal.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            send(ctx, refusal);
            return;
        }
        // The body was read already (a handshake has none), so the handshaker gets it as empty.
        FullHttpRequest handshakeRequest =
                new DefaultFullHttpRequest(
                        head.protocolVersion(),
                        head.method(),
                        head.uri(),
                        Unpooled.EMPTY_BUFFER,
                        headers,
                        EmptyHttpHeaders.INSTANCE);
        HttpHeaders extra = new DefaultHttpHeaders().set(BACKEND_HEADER, backend);
        ChannelFuture handshake;
        try {
            handshake = handshaker.handshake(ctx, handshakeRequest, extra, ctx.newPromise());
        } catch (WebSocketHandshakeException e) {
            badRequest(ctx, head, "websocket: " + e.getMessage());
            return;
        }
        ctx.pipeline().replace(this, "websocket", new WebSocketEchoHandler(handshaker, handshake));
    }

    private void notFound(ChannelHandlerContext ctx, HttpRequest head) {
        send(ctx, json(ctx, head, HttpResponseStatus.NOT_FOUND, "not found"));
    }

    private void badRequest(ChannelHandlerContext ctx, HttpRequest head, String message) {
        send(ctx, json(ctx, head, HttpResponseStatus.BAD_REQUEST, message));
    }

    private void refuseMalformed(ChannelHandlerContext ctx) {
        request = null;
        answering = true;
        ByteBuf body = DemoJson.error(ctx.alloc(), "malformed request");
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        headers.set(BACKEND_HEADER, backend);
        HttpUtil.setKeepAlive(response, false);
        // The decoder discards everything after a malformed message; nothing more can be read.
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private FullHttpResponse json(
            ChannelHandlerContext ctx, HttpRequest head, HttpResponseStatus status, String error) {
        return full(head, status, JSON, DemoJson.error(ctx.alloc(), error));
    }

    /**
     * Builds a complete response. For HEAD the body is measured for {@code Content-Length} and then
     * released.
     */
    private FullHttpResponse full(
            HttpRequest head,
            HttpResponseStatus status,
            @Nullable AsciiString contentType,
            ByteBuf body) {
        int length = body.readableBytes();
        ByteBuf content = body;
        if (HttpMethod.HEAD.equals(head.method())) {
            body.release();
            content = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse response =
                new DefaultFullHttpResponse(head.protocolVersion(), status, content);
        setCommonHeaders(response, head);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return response;
    }

    private void setCommonHeaders(HttpResponse response, HttpRequest head) {
        response.headers().set(BACKEND_HEADER, backend);
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(head));
    }

    private static void setBytesHeaders(HttpResponse response, long length) {
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        HttpUtil.setContentLength(response, length);
    }

    /** Writes the answer to the current request and reads the next one once it has left. */
    private void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response).addListener(written -> answered(ctx));
    }

    /** Called when an answer has left, or failed to on a closed channel (then reading is moot). */
    private void answered(ChannelHandlerContext ctx) {
        answering = false;
        requestRead(ctx);
    }

    private void requestRead(ChannelHandlerContext ctx) {
        if (!reading) {
            reading = true;
            ctx.read();
        }
    }

    private void cancelDelayedAnswer() {
        ScheduledFuture<?> pending = delayedAnswer;
        if (pending != null) {
            pending.cancel(false);
            delayedAnswer = null;
        }
    }

    /** Parses a plain decimal count; returns -1 for anything else, including overflow. */
    static long parseCount(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }
}
