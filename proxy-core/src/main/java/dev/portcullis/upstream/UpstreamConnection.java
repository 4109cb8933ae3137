package dev.portcullis.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 connection to a backend. It carries one request at a time (never pipelined, so a
 * broken connection fails exactly one request), is held by one exchange while in use and waits in
 * its {@link BackendPool} otherwise.
 *
 * <p>Pipeline: {@code HttpClientCodec} with the strict decoder settings, then this class's handler,
 * which passes what arrives to the holder and evicts the connection from its pool when it closes
 * while idle. The channel never reads by itself: the holder calls {@link #read()} when it can take
 * more, which is how a slow client slows the backend down.
 */
public final class UpstreamConnection {

    static final String CODEC = "http";
    static final String HANDLER = "upstream";

    private final Channel channel;
    private final BackendPool pool;
    private @Nullable UpstreamListener listener;
    private boolean reusable = true;
    private boolean responseComplete = true;
    private boolean tunnel;
    private boolean interimResponse;
    private long idleSinceNanos;
    private long keepAliveLimitNanos;
    private int requests;

    private UpstreamConnection(Channel channel, BackendPool pool) {
        this.channel = channel;
        this.pool = pool;
    }

    /** Builds the connection's pipeline; called by the pool's bootstrap for each new channel. */
    static UpstreamConnection install(Channel channel, BackendPool pool, HttpDecoderConfig config) {
        UpstreamConnection connection = new UpstreamConnection(channel, pool);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(CODEC, new HttpClientCodec(config, false, false));
        pipeline.addLast(HANDLER, connection.new Handler());
        return connection;
    }

    public Backend backend() {
        return pool.backend();
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Requests carried so far, this one included. */
    public int requests() {
        return requests;
    }

    /** Whether this connection has served a request before the current one. */
    public boolean reused() {
        return requests > 1;
    }

    public boolean isActive() {
        return channel.isActive();
    }

    public boolean isWritable() {
        return channel.isWritable();
    }

    /** Takes the connection for one exchange. */
    void attach(UpstreamListener holder) {
        this.listener = holder;
        this.responseComplete = false;
        this.requests++;
    }

    /**
     * Writes the request head. A write that fails closes the connection, which the holder hears of
     * through {@link UpstreamListener#onClosed}, during the flush that tried to send it.
     */
    public void writeHead(HttpRequest head) {
        channel.write(head, channel.voidPromise());
    }

    /** Writes a part of the request body; the last part is a {@link LastHttpContent}. */
    public void write(HttpContent content) {
        // A failed write closes the connection, which the holder hears of: no promise needed.
        channel.write(content, channel.voidPromise());
    }

    /** Writes raw bytes after a protocol switch. */
    public void writeTunnel(ByteBuf data) {
        channel.write(data, channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    /** Asks for the next bytes from the backend. */
    public void read() {
        channel.read();
    }

    /**
     * Gives the connection back after an exchange. It returns to the pool only when the response
     * was complete, the request was written in full and both sides allow keep-alive; otherwise it
     * is closed.
     *
     * @param requestComplete whether the whole request was written to it
     */
    public void release(boolean requestComplete) {
        listener = null;
        if (!requestComplete || !responseComplete || !reusable || tunnel || !channel.isActive()) {
            channel.close();
            return;
        }
        idleSinceNanos = System.nanoTime();
        pool.offer(this);
    }

    /** Closes the connection; it is never pooled again. */
    public void close() {
        listener = null;
        reusable = false;
        channel.close();
    }

    /**
     * Turns the connection into a byte tunnel after a {@code 101 Switching Protocols}: the HTTP
     * codec is removed and bytes it had already received are delivered as tunnel data.
     */
    public void switchToTunnel() {
        tunnel = true;
        reusable = false;
        channel.pipeline().remove(CODEC);
    }

    /** Whether it may still be handed out: open, and idle less long than both sides allow. */
    boolean isUsable(long nowNanos, long idleTimeoutNanos) {
        if (!channel.isActive() || !reusable) {
            return false;
        }
        long limit =
                keepAliveLimitNanos > 0
                        ? Math.min(keepAliveLimitNanos, idleTimeoutNanos)
                        : idleTimeoutNanos;
        return nowNanos - idleSinceNanos < limit;
    }

    void closeQuietly() {
        reusable = false;
        channel.close();
    }

    private void noteResponseHead(HttpResponse response) {
        interimResponse = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (interimResponse) {
            return;
        }
        if (!HttpUtil.isKeepAlive(response)) {
            reusable = false;
        }
        String keepAlive = response.headers().get(HttpHeaderNames.KEEP_ALIVE);
        if (keepAlive != null) {
            long seconds = KeepAliveTimeout.parseSeconds(keepAlive);
            if (seconds > 0) {
                // Leave a margin so the proxy stops using the connection before the backend
                // closes it, which is the race that fails requests on stale connections.
                long millis = Math.max(100, seconds * 1000 - 500);
                keepAliveLimitNanos = TimeUnit.MILLISECONDS.toNanos(millis);
            }
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            UpstreamListener holder = listener;
            if (tunnel && msg instanceof ByteBuf data) {
                if (holder == null) {
                    data.release();
                } else {
                    holder.onTunnelData(data);
                }
                return;
            }
            if (!(msg instanceof HttpObject object)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            DecoderResult result = object.decoderResult();
            if (result.isFailure()) {
                ReferenceCountUtil.release(msg);
                fail(
                        new InvalidResponseException(
                                "invalid response: " + result.cause(), result.cause()));
                return;
            }
            if (holder == null) {
                // Bytes from a backend that owes no response: the connection is unusable.
                ReferenceCountUtil.release(msg);
                closeQuietly();
                return;
            }
            if (object instanceof HttpResponse response) {
                noteResponseHead(response);
                holder.onResponseHead(response);
            }
            if (object instanceof HttpContent content) {
                if (content instanceof LastHttpContent) {
                    // The empty end of a 1xx head is not the end of the response.
                    responseComplete |= !interimResponse;
                    interimResponse = false;
                }
                holder.onResponseContent(content);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            UpstreamListener holder = listener;
            if (holder != null) {
                holder.onReadComplete();
            } else if (channel.isActive()) {
                // Idle in the pool: keep one read pending so a close by the backend is noticed.
                channel.read();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            UpstreamListener holder = listener;
            if (holder != null) {
                holder.onWritabilityChanged(channel.isWritable());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reusable = false;
            UpstreamListener holder = listener;
            listener = null;
            if (holder != null) {
                holder.onClosed(null);
            } else {
                pool.evict(UpstreamConnection.this);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
        }

        private void fail(Throwable cause) {
            reusable = false;
            UpstreamListener holder = listener;
            listener = null;
            channel.close();
            if (holder != null) {
                holder.onClosed(cause);
            } else if (!(cause instanceof IOException)) {
                pool.evict(UpstreamConnection.this);
            }
        }
    }
}
