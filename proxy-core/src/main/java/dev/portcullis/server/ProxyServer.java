package dev.portcullis.server;

import dev.portcullis.balance.LoadBalancer;
import dev.portcullis.balance.LoadBalancers;
import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.ListenerConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.filter.FilterChain;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.server.guard.ConnectionGuard;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.BackendPools;
import dev.portcullis.upstream.Upstream;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: its event loops, listeners, upstreams with their pools, and the serving state
 * every request reads. Built from a validated configuration; {@link #start()} binds every listener
 * or fails as a whole.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final ProxyMetrics metrics;
    private final FilterChainFactory filters;
    private final String source;
    private final Transport transport;
    private final int eventLoops;
    private final EventLoopGroup workers;
    private final EventLoopGroup acceptors;
    private final AtomicReference<ServingState> state = new AtomicReference<>();
    private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private final List<Channel> listenerChannels = new ArrayList<>();
    private final ConnectionGuard guard;

    /**
     * @param source where the configuration came from, for the start-up line
     */
    public ProxyServer(
            ProxyConfig config, ProxyMetrics metrics, FilterChainFactory filters, String source) {
        this.config = config;
        this.metrics = metrics;
        this.filters = filters;
        this.source = source;
        this.transport = Transport.select(config.server().transport());
        int threads = config.server().eventLoopThreads();
        this.eventLoops = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.workers =
                new MultiThreadIoEventLoopGroup(
                        eventLoops,
                        new DefaultThreadFactory("portcullis-io", true),
                        transport.ioHandlerFactory());
        this.acceptors =
                new MultiThreadIoEventLoopGroup(
                        1,
                        new DefaultThreadFactory("portcullis-accept", true),
                        transport.ioHandlerFactory());
        this.guard =
                new ConnectionGuard(
                        config.limits().maxConnections(), config.limits().maxConnectionsPerIp());
    }

    /**
     * Resolves backends, binds every listener and starts serving.
     *
     * @throws IOException when a listener cannot bind or a backend name does not resolve; what was
     *     bound is closed again
     */
    public void start() throws IOException {
        try {
            Map<String, LoadBalancer> balancers = new LinkedHashMap<>();
            for (UpstreamConfig upstreamConfig : config.upstreams()) {
                List<Backend> backends = new ArrayList<>();
                for (BackendConfig backendConfig : upstreamConfig.backends()) {
                    backends.add(new Backend(upstreamConfig.name(), backendConfig));
                }
                Upstream upstream = new Upstream(upstreamConfig, backends);
                BackendPools.install(upstream, workers, transport.socketChannel(), metrics);
                upstreams.put(upstream.name(), upstream);
                balancers.put(
                        upstream.name(), LoadBalancers.create(upstreamConfig.balance(), backends));
            }
            FilterChain chain = FilterChain.of(filters.create(config), metrics);
            state.set(ServingState.build(config, upstreams, balancers, chain, metrics));
            for (ListenerConfig listener : config.listeners()) {
                bind(listener);
            }
        } catch (UnknownHostException e) {
            close();
            throw new IOException("a backend host name does not resolve: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(summary());
    }

    private void bind(ListenerConfig listener) throws IOException {
        ListenerContext context =
                new ListenerContext(listener.name(), false, state, guard, metrics);
        ServerBootstrap bootstrap =
                new ServerBootstrap()
                        .group(acceptors, workers)
                        .channel(transport.serverChannel())
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.AUTO_READ, false)
                        // A client may half-close after its last request and still be answered.
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(
                                ChannelOption.WRITE_BUFFER_WATER_MARK,
                                new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                        .childHandler(new ListenerInitializer(context));
        InetSocketAddress address = listener.bind().toSocketAddress();
        ChannelFuture binding = bootstrap.bind(address).awaitUninterruptibly();
        if (!binding.isSuccess()) {
            throw new IOException(
                    "listener "
                            + listener.name()
                            + " cannot bind "
                            + listener.bind()
                            + ": "
                            + binding.cause().getMessage(),
                    binding.cause());
        }
        Channel channel = binding.channel();
        listenerChannels.add(channel);
        bound.put(listener.name(), (InetSocketAddress) channel.localAddress());
    }

    private String summary() {
        StringJoiner listeners = new StringJoiner(", ");
        bound.forEach((name, address) -> listeners.add(name + " on " + format(address)));
        StringJoiner upstreamText = new StringJoiner(", ");
        for (Upstream upstream : upstreams.values()) {
            StringJoiner backends = new StringJoiner(" ");
            upstream.backends().forEach(backend -> backends.add(backend.id()));
            upstreamText.add(
                    upstream.name()
                            + " ("
                            + upstream.config().balance().name().toLowerCase(java.util.Locale.ROOT)
                            + ": "
                            + backends
                            + ")");
        }
        return "Portcullis serving: listeners "
                + listeners
                + "; upstreams "
                + upstreamText
                + "; "
                + config.routes().size()
                + " routes; transport "
                + transport.label()
                + " with "
                + eventLoops
                + " event loops; config "
                + source;
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The bound address of a listener (its real port when the configuration said 0). */
    public InetSocketAddress address(String listener) {
        InetSocketAddress address = bound.get(listener);
        if (address == null) {
            throw new IllegalArgumentException("no bound listener named " + listener);
        }
        return address;
    }

    public Transport transport() {
        return transport;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** The upstreams by name, with their backends. */
    public Map<String, Upstream> upstreams() {
        return Map.copyOf(upstreams);
    }

    /** Open client connections right now. */
    public int openConnections() {
        return guard.openConnections();
    }

    /** Stops listening, closes pools and shuts the event loops down. */
    @Override
    public void close() {
        for (Channel channel : listenerChannels) {
            channel.close().awaitUninterruptibly();
        }
        listenerChannels.clear();
        for (Upstream upstream : upstreams.values()) {
            for (Backend backend : upstream.backends()) {
                backend.closePools();
            }
        }
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
