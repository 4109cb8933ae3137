package dev.portcullis.server.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the outcome of one connection's TLS handshake. Sits right after the SNI handler (which
 * becomes the {@code SslHandler}) and leaves the pipeline once the handshake succeeds, passing the
 * success event on.
 *
 * <p>A failed handshake is counted once by reason and logged at DEBUG without a stack trace:
 * scanners, old clients and clients hanging up are normal on a public port. The failure event and
 * the exceptions raised while the handshake was in progress are consumed here, so that no later
 * handler logs them as warnings; the connection is closed.
 */
final class HandshakeMetricsHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeMetricsHandler.class);

    private final HandshakeMetrics metrics;
    private boolean failed;

    HandshakeMetricsHandler(HandshakeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SniCompletionEvent && !((SniCompletionEvent) event).isSuccess()) {
            fail(ctx, ((SniCompletionEvent) event).cause());
            return;
        }
        if (event instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent completion = (SslHandshakeCompletionEvent) event;
            if (!completion.isSuccess()) {
                fail(ctx, completion.cause());
                return;
            }
            succeed(ctx);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException || cause instanceof DecoderException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} error during the tls handshake: {}", ctx.channel(), cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!failed) {
            // Closed before a single handshake record arrived, while the SNI stage still waited.
            fail(ctx, null);
        }
        ctx.fireChannelInactive();
    }

    private void succeed(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        String protocol = ssl == null ? null : ssl.engine().getSession().getProtocol();
        metrics.succeeded(protocol == null ? HandshakeMetrics.OTHER_PROTOCOL : protocol);
        ctx.pipeline().remove(this);
    }

    private void fail(ChannelHandlerContext ctx, @Nullable Throwable cause) {
        if (failed) {
            return;
        }
        failed = true;
        HandshakeFailureReason reason =
                cause == null ? HandshakeFailureReason.CLOSED : HandshakeFailureReason.of(cause);
        metrics.failed(reason);
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} tls handshake failed: reason={} cause={}",
                    ctx.channel(),
                    reason.tag(),
                    String.valueOf(cause));
        }
        ctx.close();
    }
}
