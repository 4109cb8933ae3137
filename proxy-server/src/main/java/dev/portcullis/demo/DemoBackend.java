package dev.portcullis.demo;

import dev.portcullis.config.BindAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 origin for trying the proxy out: {@code portcullis demo} puts two of them behind
 * it. Every response names the backend in {@code X-Demo-Backend}. Paths:
 *
 * <ul>
 *   <li>{@code GET /}: an HTML page naming the backend and listing the paths below;
 *   <li>{@code /echo} (any method, any path below it): the request as it arrived, as JSON, with the
 *       length of a body that is counted as it streams, never held;
 *   <li>{@code /status/{code}}: that status, clamped to 200..599;
 *   <li>{@code /bytes/{n}}: n bytes (at most 1 GiB), written only as fast as the client reads;
 *   <li>{@code /slow/{ms}}: an answer after that many milliseconds (at most 60 000);
 *   <li>{@code /ws}: a WebSocket that echoes every message.
 * </ul>
 *
 * Anything else is a 404 with {@code {"error":"not found"}}. Each backend runs on one event loop
 * thread of its own, a daemon that does not keep the JVM alive by itself.
 */
public final class DemoBackend implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoBackend.class);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final String name;
    private final InetSocketAddress address;
    private final EventLoopGroup group;
    private final ChannelGroup channels;

    private DemoBackend(
            String name, InetSocketAddress address, EventLoopGroup group, ChannelGroup channels) {
        this.name = name;
        this.address = address;
        this.group = group;
        this.channels = channels;
    }

    /**
     * Starts a backend and returns once it is bound and serving.
     *
     * @param name shown on its page and in {@code X-Demo-Backend}: 1 to 64 letters, digits, dots,
     *     dashes or underscores
     * @param bind where to listen; port 0 picks a free port
     * @throws IllegalArgumentException when the name breaks that rule
     * @throws IllegalStateException when the address cannot be bound (the message names it)
     */
    public static DemoBackend start(String name, BindAddress bind) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "demo backend name: got \""
                            + name
                            + "\", must be 1 to 64 letters, digits, '.', '-' or '_'");
        }
        EventLoopGroup group =
                new MultiThreadIoEventLoopGroup(
                        1,
                        new DefaultThreadFactory("portcullis-demo-" + name, /* daemon= */ true),
                        NioIoHandler.newFactory());
        ChannelGroup channels = new DefaultChannelGroup("demo-" + name, group.next());
        ChannelFuture bound =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        // DemoRequestHandler asks for each message itself.
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childHandler(
                                new DemoChannelInitializer(
                                        new DemoResponses(name), DemoPage.render(name), channels))
                        .bind(bind.toSocketAddress())
                        .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .awaitUninterruptibly();
            Throwable cause = bound.cause();
            throw new IllegalStateException(
                    "demo backend " + name + ": cannot listen on " + bind + ": " + reason(cause),
                    cause);
        }
        channels.add(bound.channel());
        InetSocketAddress address = (InetSocketAddress) bound.channel().localAddress();
        LOG.info(
                "demo backend {} listening on {}",
                name,
                new BindAddress(bind.host(), address.getPort()));
        return new DemoBackend(name, address, group, channels);
    }

    /** The address it is bound to, with the real port when port 0 was asked for. */
    public InetSocketAddress address() {
        return address;
    }

    public String name() {
        return name;
    }

    /**
     * Closes the listener and every connection, then waits for the event loop to end. It must not
     * be called from that event loop.
     */
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
