package dev.portcullis.demo;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.util.ReferenceCountUtil;
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

    WebSocketEchoHandler(WebSocketServerHandshaker handshaker, ChannelFuture handshake) {
        this.handshaker = handshaker;
        this.handshake = handshake;
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
