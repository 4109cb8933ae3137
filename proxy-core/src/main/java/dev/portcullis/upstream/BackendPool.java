package dev.portcullis.upstream;

import dev.portcullis.config.CircuitBreakerConfig;
import dev.portcullis.config.PoolConfig;
import dev.portcullis.config.UpstreamTimeouts;
import dev.portcullis.metrics.ProxyMetrics;
import io.micrometer.core.instrument.Counter;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The keep-alive connections to one backend that belong to one event loop. Only that loop touches
 * it, so it needs no locks; a request is always carried by a connection of its client's own loop.
 *
 * <p>Idle connections are reused most recently used first, so the oldest ones age out. A sweep
 * closes those idle longer than {@code pool.idle_timeout} (or than the backend's own {@code
 * Keep-Alive: timeout}, less a margin), and each idle connection keeps a read pending so that a
 * close by the backend evicts it at once.
 */
public final class BackendPool {

    private static final AttributeKey<UpstreamConnection> CONNECTION =
            AttributeKey.valueOf(BackendPool.class, "connection");

    private final Backend backend;
    private final EventLoop eventLoop;
    private final Bootstrap bootstrap;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final ScheduledFuture<?> sweeper;
    private final Counter opened;
    private final Counter reused;
    private final Counter foundClosed;
    private final Counter overloaded;
    private final int maxConnections;
    private final int maxPending;
    private boolean closed;

    /** Told when a connection is ready for a request, or why none could be had. */
    public interface AcquireCallback {

        /**
         * @param connection attached to the listener given to {@link #acquire}
         * @param fresh whether it was opened for this request (not reused from the pool)
         */
        void acquired(UpstreamConnection connection, boolean fresh);

        void failed(Throwable cause);
    }

    BackendPool(
            Backend backend,
            EventLoop eventLoop,
            Class<? extends Channel> channelType,
            InetSocketAddress address,
            PoolConfig pool,
            UpstreamTimeouts timeouts,
            CircuitBreakerConfig breaker,
            HttpDecoderConfig decoderConfig,
            @Nullable SslContext tls,
            ProxyMetrics metrics) {
        this.backend = backend;
        this.eventLoop = eventLoop;
        this.maxIdle = pool.maxIdlePerLoop();
        this.idleTimeoutNanos = pool.idleTimeout().toNanos();
        BackendPool self = this;
        this.bootstrap =
                new Bootstrap()
                        .group(eventLoop)
                        .channel(channelType)
                        .remoteAddress(address)
                        .option(ChannelOption.AUTO_READ, false)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.SO_KEEPALIVE, true)
                        .option(
                                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                                (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()))
                        .option(
                                ChannelOption.WRITE_BUFFER_WATER_MARK,
                                new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                        .handler(
                                new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel channel) {
                                        if (tls != null) {
                                            // Host and port make the handler send SNI and
                                            // verify the certificate against the backend name.
                                            channel.pipeline()
                                                    .addLast(
                                                            "tls",
                                                            tls.newHandler(
                                                                    channel.alloc(),
                                                                    backend.config().host(),
                                                                    backend.config().port()));
                                        }
                                        channel.attr(CONNECTION)
                                                .set(
                                                        UpstreamConnection.install(
                                                                channel, self, decoderConfig));
                                    }
                                });
        long sweepNanos =
                Math.max(
                        TimeUnit.MILLISECONDS.toNanos(100),
                        Math.min(idleTimeoutNanos / 2, TimeUnit.SECONDS.toNanos(1)));
        this.sweeper =
                eventLoop.scheduleAtFixedRate(
                        this::sweep, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
        String upstream = backend.upstreamName();
        this.opened = metrics.upstreamConnections(upstream, "opened");
        this.reused = metrics.upstreamConnections(upstream, "reused");
        this.foundClosed = metrics.upstreamConnections(upstream, "found_closed");
        this.overloaded = metrics.upstreamConnections(upstream, "circuit_open");
        this.maxConnections = breaker.maxConnections();
        this.maxPending = breaker.maxPending();
    }

    public Backend backend() {
        return backend;
    }

    /**
     * Hands out an idle connection, or opens one. Must be called on the pool's event loop; the
     * callback may run before this method returns.
     */
    public void acquire(UpstreamListener listener, AcquireCallback callback) {
        assert eventLoop.inEventLoop();
        long now = System.nanoTime();
        UpstreamConnection connection;
        while ((connection = idle.pollLast()) != null) {
            if (connection.isUsable(now, idleTimeoutNanos)) {
                reused.increment();
                connection.attach(listener);
                callback.acquired(connection, false);
                return;
            }
            foundClosed.increment();
            connection.closeQuietly();
        }
        connect(listener, callback);
    }

    /** Opens a connection even when idle ones are pooled (a WebSocket gets its own). */
    public void acquireFresh(UpstreamListener listener, AcquireCallback callback) {
        assert eventLoop.inEventLoop();
        connect(listener, callback);
    }

    private void connect(UpstreamListener listener, AcquireCallback callback) {
        if (!backend.tryReserveConnection(maxConnections, maxPending)) {
            overloaded.increment();
            callback.failed(
                    new BackendOverloadedException(
                            "backend "
                                    + backend
                                    + " is at circuit_breaker.max_connections or max_pending"));
            return;
        }
        ChannelFuture connecting = bootstrap.connect();
        connecting.addListener(
                future -> {
                    if (!future.isSuccess()) {
                        backend.connectionFailed();
                        callback.failed(future.cause());
                        return;
                    }
                    backend.connectionOpened();
                    connecting
                            .channel()
                            .closeFuture()
                            .addListener(closed -> backend.connectionClosed());
                    opened.increment();
                    UpstreamConnection fresh = connecting.channel().attr(CONNECTION).get();
                    fresh.attach(listener);
                    callback.acquired(fresh, true);
                });
    }

    void offer(UpstreamConnection connection) {
        // A backend that was taken out of service keeps no idle connections: they would be
        // stale by the time it returns, and its health may be why the exchange ended.
        if (closed || idle.size() >= maxIdle || !backend.isAvailable()) {
            connection.closeQuietly();
            return;
        }
        idle.addLast(connection);
        connection.read();
    }

    void evict(UpstreamConnection connection) {
        idle.remove(connection);
    }

    private void sweep() {
        long now = System.nanoTime();
        // The oldest connections sit at the head.
        while (!idle.isEmpty() && !idle.peekFirst().isUsable(now, idleTimeoutNanos)) {
            idle.pollFirst().closeQuietly();
        }
    }

    /** Number of idle connections now. */
    public int idleCount() {
        return idle.size();
    }

    /**
     * Closes the idle connections and goes on pooling. Safe from any thread: the work runs on the
     * pool's event loop.
     */
    public void closeIdle() {
        if (!eventLoop.inEventLoop()) {
            try {
                eventLoop.execute(this::closeIdle);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down and closes its channels itself.
            }
            return;
        }
        UpstreamConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.closeQuietly();
        }
    }

    /** Closes the idle connections and stops pooling; connections in use close when released. */
    public void close() {
        if (!eventLoop.inEventLoop()) {
            eventLoop.execute(this::close);
            return;
        }
        closed = true;
        sweeper.cancel(false);
        closeIdle();
    }
}
