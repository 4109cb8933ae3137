package dev.portcullis.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Echoes every data frame of a WebSocket back to its sender, answers pings, and completes the
 * closing handshake. It replaces {@link DemoRequestHandler} at the end of the pipeline once the
 * opening handshake has been sent, and starts reading when that handshake is written. It consumes
 * control frames and passes data frames on to be written; reading pauses while the channel is not
 * writable, so a client that sends without reading cannot pile up echoes.
 */
final class WebSocketEchoHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketEchoHandler.class);

    private final WebSocketServerHandshaker handshaker;
    private final ChannelFuture handshake;

    private WebSocketEchoHandler(WebSocketServerHandshaker handshaker, ChannelFuture handshake) {
        this.handshaker = handshaker;
        this.handshake = handshake;
    }

    /**
     * Answers a complete request for {@code /ws}: sends the opening handshake and puts an echo
     * handler in place of the handler of {@code ctx}, or returns the refusal to send when the
     * request is no WebSocket handshake this server can take.
     */
    static @Nullable FullHttpResponse takeOver(
            ChannelHandlerContext ctx, HttpRequest head, DemoResponses responses) {
        HttpHeaders headers = head.headers();
        if (!HttpMethod.GET.equals(head.method())
                || !headers.containsValue(
                        HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            FullHttpResponse refusal =
                    responses.error(
                            ctx.alloc(),
                            head,
                            HttpResponseStatus.UPGRADE_REQUIRED,
                            "use a WebSocket client");
            // RFC 9110 §7.8: Upgrade goes with the matching Connection option.
            refusal.headers()
                    .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                    .add(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            return refusal;
        }
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(head.uri(), null, false).newHandshaker(head);
        if (handshaker == null) {
            FullHttpResponse refusal =
                    responses.error(
                            ctx.alloc(),
                            head,
                            HttpResponseStatus.UPGRADE_REQUIRED,
                            "unsupported version");
            refusal.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            return refusal;
        }
        // The body was read already (a handshake has none), so the handshaker gets it as empty.
        FullHttpRequest request =
                new DefaultFullHttpRequest(
                        head.protocolVersion(),
                        head.method(),
                        head.uri(),
                        Unpooled.EMPTY_BUFFER,
                        headers,
                        EmptyHttpHeaders.INSTANCE);
        HttpHeaders extra =
                new DefaultHttpHeaders().set(DemoResponses.BACKEND_HEADER, responses.backend());
        ChannelFuture handshake;
        try {
            handshake = handshaker.handshake(ctx, request, extra, ctx.newPromise());
        } catch (WebSocketHandshakeException e) {
            return responses.error(
                    ctx.alloc(),
                    head,
                    HttpResponseStatus.BAD_REQUEST,
                    "websocket: " + e.getMessage());
        }
        ctx.pipeline()
                .replace(
                        ctx.handler(),
                        "websocket",
                        new WebSocketEchoHandler(handshaker, handshake));
        return null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        handshake.addListener(
                written -> {
                    if (!written.isSuccess()) {
                        ctx.close();
                        return;
                    }
                    DemoChannelInitializer.dropHttpHandlers(ctx.pipeline());
                    ctx.channel().config().setAutoRead(true);
                });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof CloseWebSocketFrame close) {
            handshaker.close(ctx, close);
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else if (msg instanceof PongWebSocketFrame || !(msg instanceof WebSocketFrame)) {
            // Unsolicited pongs need no answer; anything else is not ours to echo.
            ReferenceCountUtil.release(msg);
        } else {
            ctx.write(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (handshake.isSuccess()) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("demo WebSocket {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
