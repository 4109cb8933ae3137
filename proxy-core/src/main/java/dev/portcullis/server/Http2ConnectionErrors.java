package dev.portcullis.server;

import dev.portcullis.metrics.RateLimitedLog;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the exceptions of an HTTP/2 connection that no stream took; sits last in the connection's
 * pipeline, after the stream multiplexer. The frame codec hands every connection error a client
 * causes (a broken frame, too many resets) up the pipeline before it answers with GOAWAY and closes
 * by itself; those, like a connection reset, are the client's doing and logged at DEBUG only, so
 * that a client cannot fill the log. Anything else is a rate-limited WARN and closes the
 * connection.
 */
@ChannelHandler.Sharable
final class Http2ConnectionErrors extends ChannelInboundHandlerAdapter {

    static final Http2ConnectionErrors INSTANCE = new Http2ConnectionErrors();

    private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectionErrors.class);
    private static final RateLimitedLog UNEXPECTED =
            new RateLimitedLog(LOG, Duration.ofSeconds(10));

    private Http2ConnectionErrors() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // The codec sends GOAWAY once this returns; closing here would cut it off.
            LOG.debug("HTTP/2 connection {} refused: {}", ctx.channel(), cause.toString());
            return;
        }
        if (cause instanceof IOException || cause.getCause() instanceof IOException) {
            LOG.debug("HTTP/2 connection {} failed: {}", ctx.channel(), cause.toString());
        } else {
            UNEXPECTED.warn(
                    "Unexpected error on an HTTP/2 connection, closing it: {}", cause.toString());
            LOG.debug("HTTP/2 connection {} failed", ctx.channel(), cause);
        }
        ctx.close();
    }
}
