package dev.portcullis.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
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

    static final long MAX_BYTES = 1L << 30;
    static final long MAX_DELAY_MILLIS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(DemoRequestHandler.class);

    private final DemoResponses responses;
    private final byte[] page;

    private @Nullable HttpRequest request;
    private long bodyBytes;
    private @Nullable ScheduledFuture<?> delayedAnswer;

    /** A {@code read()} is outstanding; at most one is, so at most one message is in flight. */
    private boolean reading;

    /** The last part of a request has arrived and its answer has not left yet. */
    private boolean answering;

    DemoRequestHandler(DemoResponses responses, byte[] page) {
        this.responses = responses;
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
            case "/ws" -> webSocket(ctx, head, argument);
            default -> notFound(ctx, head);
        }
    }

    private void home(ChannelHandlerContext ctx, HttpRequest head) {
        if (!HttpMethod.GET.equals(head.method()) && !HttpMethod.HEAD.equals(head.method())) {
            FullHttpResponse refusal =
                    error(ctx, head, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
            refusal.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, refusal);
            return;
        }
        ByteBuf body = Unpooled.wrappedBuffer(page);
        send(ctx, responses.full(head, HttpResponseStatus.OK, DemoResponses.HTML, body));
    }

    private void echo(ChannelHandlerContext ctx, HttpRequest head, long bodyLength) {
        ByteBuf body = DemoJson.echo(ctx.alloc(), responses.backend(), head, bodyLength);
        send(ctx, responses.full(head, HttpResponseStatus.OK, DemoResponses.JSON, body));
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
            FullHttpResponse empty = responses.full(head, status, null, Unpooled.EMPTY_BUFFER);
            empty.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            send(ctx, empty);
            return;
        }
        ByteBuf body = DemoJson.number(ctx.alloc(), responses.backend(), "status", code);
        send(ctx, responses.full(head, status, DemoResponses.JSON, body));
    }

    private void bytes(ChannelHandlerContext ctx, HttpRequest head, String argument) {
        long length = parseCount(argument);
        if (length < 0 || length > MAX_BYTES) {
            badRequest(ctx, head, "bytes: got \"" + argument + "\", must be 0 to " + MAX_BYTES);
            return;
        }
        HttpResponse response = responses.bytesHead(head, length);
        if (response instanceof FullHttpResponse headOnly) {
            send(ctx, headOnly);
            return;
        }
        ctx.write(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        ctx.writeAndFlush(new HttpChunkedInput(new RepeatingBytesInput(length)))
                .addListener(written -> answered(ctx));
    }

    private void slow(ChannelHandlerContext ctx, HttpRequest head, String argument) {
        long delayMillis = parseCount(argument);
        if (delayMillis < 0 || delayMillis > MAX_DELAY_MILLIS) {
            badRequest(
                    ctx,
                    head,
                    "slow: got \"" + argument + "\", must be 0 to " + MAX_DELAY_MILLIS + " ms");
            return;
        }
        // The event loop's timer, not a sleeping thread: other connections go on meanwhile.
        delayedAnswer =
                ctx.executor()
                        .schedule(
                                () -> answerSlow(ctx, head, delayMillis),
                                delayMillis,
                                TimeUnit.MILLISECONDS);
    }

    private void answerSlow(ChannelHandlerContext ctx, HttpRequest head, long delayMillis) {
        delayedAnswer = null;
        ByteBuf body = DemoJson.number(ctx.alloc(), responses.backend(), "delay_ms", delayMillis);
        send(ctx, responses.full(head, HttpResponseStatus.OK, DemoResponses.JSON, body));
    }

    private void webSocket(ChannelHandlerContext ctx, HttpRequest head, String argument) {
        if (!argument.isEmpty()) {
            notFound(ctx, head);
            return;
        }
        FullHttpResponse refusal = WebSocketEchoHandler.takeOver(ctx, head, responses);
        if (refusal != null) {
            send(ctx, refusal);
        }
    }

    private void notFound(ChannelHandlerContext ctx, HttpRequest head) {
        send(ctx, error(ctx, head, HttpResponseStatus.NOT_FOUND, "not found"));
    }

    private void badRequest(ChannelHandlerContext ctx, HttpRequest head, String message) {
        send(ctx, error(ctx, head, HttpResponseStatus.BAD_REQUEST, message));
    }

    private FullHttpResponse error(
            ChannelHandlerContext ctx,
            HttpRequest head,
            HttpResponseStatus status,
            String message) {
        return responses.error(ctx.alloc(), head, status, message);
    }

    private void refuseMalformed(ChannelHandlerContext ctx) {
        request = null;
        answering = true;
        // The decoder discards everything after a malformed message; nothing more can be read.
        ctx.writeAndFlush(responses.malformed(ctx.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
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
