package dev.portcullis.admin;

import dev.portcullis.config.BindAddress;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: {@code GET /healthz} (the process is alive), {@code GET /readyz} (the
 * readiness supplier says so) and {@code GET /metrics} (the Prometheus scrape). HEAD works wherever
 * GET does. It runs on one event loop thread of its own, so that rendering metrics never delays
 * proxied traffic; that thread is a daemon and does not keep the JVM alive by itself.
 *
 * <p>Call {@link #close()} even when {@link #start()} failed: the event loop exists from
 * construction on. Neither method may be called from the admin event loop itself.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** How long a connection may stay silent before it is closed. */
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final BindAddress bind;
    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final AdminChannelInitializer initializer;
    private @Nullable Channel serverChannel;

    /**
     * Prepares an admin listener; nothing is bound until {@link #start()}.
     *
     * @param bind where to listen ({@code admin.bind}); port 0 picks a free port
     * @param registry whose scrape {@code /metrics} serves
     * @param ready asked on every {@code /readyz}, from the admin thread; must be cheap
     */
    public AdminServer(BindAddress bind, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        this(bind, registry, AdminApi.readinessOnly(ready), null, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * Prepares the admin listener of a running proxy.
     *
     * @param token the bearer token of state-changing endpoints, or null for none; without one, the
     *     listener refuses to bind anywhere but a loopback address
     */
    public AdminServer(
            BindAddress bind,
            PrometheusMeterRegistry registry,
            AdminApi api,
            @Nullable String token) {
        this(bind, registry, api, token, DEFAULT_IDLE_TIMEOUT);
    }

    AdminServer(
            BindAddress bind,
            PrometheusMeterRegistry registry,
            BooleanSupplier ready,
            Duration idleTimeout) {
        this(bind, registry, AdminApi.readinessOnly(ready), null, idleTimeout);
    }

    AdminServer(
            BindAddress bind,
            PrometheusMeterRegistry registry,
            AdminApi api,
            @Nullable String token,
            Duration idleTimeout) {
        BearerToken bearer = new BearerToken(token);
        if (!bearer.required() && !isLoopback(bind)) {
            throw new IllegalStateException(
                    "admin.bind: an admin listener on "
                            + bind
                            + " (not a loopback address) needs admin.token");
        }
        this.bind = bind;
        this.group =
                new MultiThreadIoEventLoopGroup(
                        1,
                        new DefaultThreadFactory("portcullis-admin", /* daemon= */ true),
                        NioIoHandler.newFactory());
        this.channels = new DefaultChannelGroup("admin", group.next());
        AdminRequestHandler handler =
                new AdminRequestHandler(AdminEndpoints.standard(registry, api, bearer));
        this.initializer = new AdminChannelInitializer(channels, idleTimeout, handler);
    }

    private static boolean isLoopback(BindAddress bind) {
        try {
            return java.net.InetAddress.getByName(bind.host()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Binds the listener and returns the address it is bound to.
     *
     * @throws IllegalStateException when it is already started, or when the address cannot be bound
     *     (the message names the address and the reason)
     */
    public InetSocketAddress start() {
        if (serverChannel != null) {
            throw new IllegalStateException("admin listener is already started on " + bind);
        }
        ChannelFuture bound =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(initializer)
                        .bind(bind.toSocketAddress())
                        .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IllegalStateException(
                    "admin.bind: cannot listen on " + bind + ": " + reason(cause), cause);
        }
        Channel channel = bound.channel();
        channels.add(channel);
        serverChannel = channel;
        InetSocketAddress address = (InetSocketAddress) channel.localAddress();
        LOG.info("admin listener bound to {}", new BindAddress(bind.host(), address.getPort()));
        return address;
    }

    /** Closes the listener and every admin connection, then waits for the event loop to end. */
    @Override
    public void close() {
        channels.close().awaitUninterruptibly();
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly();
    }

    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
