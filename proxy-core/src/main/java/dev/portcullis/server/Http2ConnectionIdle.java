package dev.portcullis.server;

import dev.portcullis.server.timeout.Deadline;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Closes an HTTP/2 connection that has had no open stream for {@code idle_timeout}. Only streams
 * count: a client cannot keep a connection alive with PINGs or SETTINGS alone. Sits after the frame
 * codec on the connection channel; the stream initializer reports each new stream.
 */
final class Http2ConnectionIdle extends ChannelInboundHandlerAdapter {

    private final long idleNanos;
    private @Nullable ChannelHandlerContext context;
    private int openStreams;
    private final Deadline timer =
            new Deadline() {
                @Override
                protected void expired() {
                    ChannelHandlerContext ctx = context;
                    if (ctx != null && openStreams == 0) {
                        ctx.close();
                    }
                }
            };

    Http2ConnectionIdle(Duration idle) {
        this.idleNanos = idle.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        arm();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ConnectionDrain.EVENT) {
            // The frame codec turns a close into GOAWAY and waits for the open streams.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** Called on the connection's event loop when a stream channel is created. */
    void streamOpened(Channel stream) {
        openStreams++;
        cancel();
        stream.closeFuture()
                .addListener(
                        closed -> {
                            if (--openStreams == 0) {
                                arm();
                            }
                        });
    }

    private void arm() {
        ChannelHandlerContext ctx = context;
        if (ctx != null) {
            timer.arm(ctx.executor(), idleNanos);
        }
    }

    private void cancel() {
        timer.disarm();
    }
}
