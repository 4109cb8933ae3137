package dev.portcullis.server.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads the ClientHello, picks the context by SNI (or, without SNI, by the local address) and
 * replaces itself with that context's {@link SslHandler}.
 *
 * <p>It holds the current {@link SniTable} from the choice until the engine exists, so that a
 * reload in between cannot release the chosen OpenSSL context under it. One time limit covers the
 * whole handshake: the {@code SslHandler} gets what is left of it after the ClientHello.
 */
final class SelectingSniHandler extends SniHandler {

    private final ServerTlsContexts contexts;
    private final long timeoutNanos;
    private final long startNanos = System.nanoTime();
    private @Nullable SniTable held;

    SelectingSniHandler(ServerTlsContexts contexts, int maxClientHelloBytes, long timeoutMillis) {
        super(contexts.mapping(), maxClientHelloBytes, timeoutMillis);
        this.contexts = contexts;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, @Nullable String hostname) {
        SniTable table = contexts.acquire();
        releaseHeld();
        held = table;
        SslContext selected =
                hostname == null
                        ? table.forLocalAddress(ctx.channel().localAddress())
                        : table.forHostName(hostname);
        return ctx.executor().newSucceededFuture(selected);
    }

    @Override
    protected void replaceHandler(
            ChannelHandlerContext ctx, @Nullable String hostname, SslContext sslContext)
            throws Exception {
        try {
            super.replaceHandler(ctx, hostname, sslContext);
        } finally {
            releaseHeld();
        }
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        SslHandler handler = super.newSslHandler(context, allocator);
        long leftNanos = timeoutNanos - (System.nanoTime() - startNanos);
        handler.setHandshakeTimeoutMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos)));
        return handler;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.handlerRemoved0(ctx);
    }

    private void releaseHeld() {
        SniTable table = held;
        if (table != null) {
            held = null;
            table.release();
        }
    }
}
