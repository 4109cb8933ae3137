package dev.portcullis.server;

import dev.portcullis.balance.LoadBalancer;
import dev.portcullis.balance.LoadBalancers;
import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.ListenerConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.filter.FilterChain;
import dev.portcullis.health.BackendStatus;
import dev.portcullis.health.UpstreamHealth;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.metrics.RateLimitedLog;
import dev.portcullis.server.guard.ConnectionGuard;
import dev.portcullis.server.tls.CertificateWatcher;
import dev.portcullis.server.tls.HandshakeMetrics;
import dev.portcullis.server.tls.ServerTlsContexts;
import dev.portcullis.server.tls.TlsConfigException;
import dev.portcullis.server.tls.TlsPolicy;
import dev.portcullis.server.tls.TlsProblem;
import dev.portcullis.server.tls.UpstreamTlsContexts;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.BackendAddresses;
import dev.portcullis.upstream.BackendPools;
import dev.portcullis.upstream.Upstream;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: its event loops, listeners, upstreams with their pools and health, and the
 * serving state every request reads.
 *
 * <p>{@link #start()} binds every listener or fails as a whole. {@link #reload} swaps in a new
 * configuration: requests in flight finish on the state they started with, backends that stay keep
 * their pools and health, removed ones drain, listeners come and go, certificates are read again.
 * {@link #drain} stops accepting, lets requests finish and closes connections.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    private static final RecvByteBufAllocator CLIENT_READS = new AdaptiveRecvByteBufAllocator();
    private static final RateLimitedLog DNS_FAILURES =
            new RateLimitedLog(LOG, Duration.ofMinutes(1));

    private final ProxyMetrics metrics;
    private final FilterChainFactory filters;
    private final String source;
    private final Transport transport;
    private final int eventLoops;
    private final EventLoopGroup workers;
    private final ScheduledExecutorService fileWatch;
    private final ConnectionGuard guard;
    private final HandshakeMetrics handshakeMetrics;
    private final UpstreamTlsContexts upstreamTls;
    private final ClientConnections clients = new ClientConnections();
    private final AtomicReference<ServingState> state = new AtomicReference<>();
    private final Map<String, UpstreamRuntime> upstreams = new LinkedHashMap<>();
    private volatile Map<String, UpstreamRuntime> upstreamView = Map.of();
    private final Map<String, ListenerRuntime> listeners = new LinkedHashMap<>();
    private volatile ProxyConfig config;
    private volatile boolean draining;
    private boolean closed;

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
        ScheduledThreadPoolExecutor watch =
                new ScheduledThreadPoolExecutor(
                        1, new DefaultThreadFactory("portcullis-file-watch", true));
        watch.setRemoveOnCancelPolicy(true);
        this.fileWatch = watch;
        this.guard =
                new ConnectionGuard(
                        config.limits().maxConnections(), config.limits().maxConnectionsPerIp());
        this.handshakeMetrics = new HandshakeMetrics(metrics.registry());
        this.upstreamTls = new UpstreamTlsContexts(TlsPolicy.preferredProvider());
    }

    /**
     * Resolves backends, runs the first health checks, binds every listener and starts serving.
     *
     * @throws IOException when a listener cannot bind, a certificate cannot be loaded or a backend
     *     name does not resolve; what was started is stopped again
     */
    public synchronized void start() throws IOException {
        try {
            Map<String, UpstreamRuntime> built = buildUpstreams(config, Map.of());
            upstreams.putAll(built);
            publishUpstreams();
            awaitFirstChecks(built.values());
            state.set(servingState(config));
            List<ListenerConfig> ordered = tlsFirst(config.listeners());
            for (ListenerConfig listener : ordered) {
                listeners.put(listener.name(), bind(listener));
            }
            scheduleAddressRefresh();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(summary());
    }

    // ---------------------------------------------------------------- building

    private Map<String, UpstreamRuntime> buildUpstreams(
            ProxyConfig target, Map<String, UpstreamRuntime> previous) throws IOException {
        Map<String, UpstreamRuntime> built = new LinkedHashMap<>();
        try {
            for (UpstreamConfig upstreamConfig : target.upstreams()) {
                Map<BackendConfig, List<InetAddress>> resolved = resolve(upstreamConfig);
                UpstreamRuntime before = previous.get(upstreamConfig.name());
                if (before != null
                        && before.config().equals(upstreamConfig)
                        && before.resolved().equals(resolved)) {
                    built.put(upstreamConfig.name(), before);
                    continue;
                }
                built.put(upstreamConfig.name(), buildUpstream(upstreamConfig, before, resolved));
            }
        } catch (IOException | RuntimeException e) {
            for (UpstreamRuntime runtime : built.values()) {
                if (!previous.containsValue(runtime)) {
                    runtime.health().close();
                    retireNewBackends(runtime, previous);
                }
            }
            throw e;
        }
        return built;
    }

    /** Resolves every backend host of an upstream (blocking: never on an event loop). */
    private static Map<BackendConfig, List<InetAddress>> resolve(UpstreamConfig upstream)
            throws IOException {
        Map<BackendConfig, List<InetAddress>> resolved = new LinkedHashMap<>();
        for (BackendConfig backend : upstream.backends()) {
            try {
                resolved.put(backend, BackendAddresses.resolve(backend));
            } catch (UnknownHostException e) {
                throw new IOException(
                        "upstream "
                                + upstream.name()
                                + ": backend host "
                                + backend.host()
                                + " does not resolve",
                        e);
            }
        }
        return resolved;
    }

    private UpstreamRuntime buildUpstream(
            UpstreamConfig upstreamConfig,
            @Nullable UpstreamRuntime before,
            Map<BackendConfig, List<InetAddress>> resolved)
            throws IOException {
        List<Backend> backends = new ArrayList<>();
        for (BackendConfig backendConfig : upstreamConfig.backends()) {
            for (InetAddress address : resolved.getOrDefault(backendConfig, List.of())) {
                Backend kept =
                        before == null ? null : find(before.upstream(), backendConfig, address);
                backends.add(
                        kept != null
                                ? kept
                                : new Backend(upstreamConfig.name(), backendConfig, address));
            }
        }
        Upstream upstream = new Upstream(upstreamConfig, backends);
        SslContext tls = null;
        if (backends.stream().anyMatch(backend -> backend.config().tls())) {
            try {
                tls = upstreamTls.context(upstreamConfig.tls());
            } catch (TlsConfigException e) {
                throw new IOException(
                        "upstream " + upstreamConfig.name() + ": " + describe(e.problems()), e);
            }
            if (upstreamConfig.tls().insecureSkipVerify()) {
                LOG.warn(
                        "upstream {} does not verify its backends' certificates"
                                + " (tls.insecure_skip_verify): anyone on the path can pose as"
                                + " them",
                        upstreamConfig.name());
            }
        }
        try {
            BackendPools.install(upstream, workers, transport.socketChannel(), metrics, tls);
            UpstreamHealth health =
                    UpstreamHealth.create(
                            upstream,
                            upstreamConfig.healthCheck(),
                            upstreamConfig.outlier(),
                            workers,
                            transport.socketChannel(),
                            metrics,
                            before == null ? null : before.health());
            LoadBalancer balancer = LoadBalancers.create(upstreamConfig.balance(), backends);
            return new UpstreamRuntime(upstreamConfig, upstream, balancer, health, resolved);
        } catch (UnknownHostException e) {
            throw new IOException(
                    "upstream "
                            + upstreamConfig.name()
                            + ": a backend host name does not resolve: "
                            + e.getMessage(),
                    e);
        }
    }

    private static @Nullable Backend find(
            Upstream upstream, BackendConfig wanted, InetAddress address) {
        for (Backend backend : upstream.backends()) {
            if (backend.config().equals(wanted) && address.equals(backend.address())) {
                return backend;
            }
        }
        return null;
    }

    /**
     * Resolves the backends' host names again; when an upstream's addresses changed, it is rebuilt
     * as in a reload (new addresses become backends, vanished ones drain).
     */
    private void refreshAddresses() {
        ProxyConfig current = config;
        boolean changed = false;
        synchronized (this) {
            if (closed || draining) {
                return;
            }
            for (UpstreamRuntime runtime : upstreams.values()) {
                try {
                    changed |= !resolve(runtime.config()).equals(runtime.resolved());
                } catch (IOException e) {
                    DNS_FAILURES.warn("{}; keeping the addresses resolved before", e.getMessage());
                }
            }
        }
        if (changed) {
            ReloadOutcome outcome = reload(current);
            LOG.info(
                    "Backend addresses changed; upstreams rebuilt: {}",
                    outcome.applied() ? outcome.summary() : outcome.problems());
        }
    }

    private void scheduleAddressRefresh() {
        long period = Long.MAX_VALUE;
        for (UpstreamConfig upstream : config.upstreams()) {
            boolean names =
                    upstream.backends().stream()
                            .anyMatch(
                                    backend ->
                                            io.netty.util.NetUtil
                                                            .createByteArrayFromIpAddressString(
                                                                    backend.host())
                                                    == null);
            if (names && !upstream.dnsRefresh().isZero()) {
                period = Math.min(period, upstream.dnsRefresh().toMillis());
            }
        }
        if (period != Long.MAX_VALUE) {
            fileWatch.scheduleWithFixedDelay(
                    this::refreshAddresses, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** Waits (bounded) for the first round of active checks of upstreams that want it. */
    private static void awaitFirstChecks(Iterable<UpstreamRuntime> runtimes) {
        List<CompletableFuture<Void>> rounds = new ArrayList<>();
        long waitMillis = 0;
        for (UpstreamRuntime runtime : runtimes) {
            rounds.add(runtime.health().start());
            var checks = runtime.config().healthCheck();
            if (checks != null) {
                waitMillis = Math.max(waitMillis, checks.timeout().toMillis() + 1000);
            }
        }
        try {
            CompletableFuture.allOf(rounds.toArray(new CompletableFuture<?>[0]))
                    .get(Math.max(waitMillis, 1), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("The first health checks did not all finish in time; serving anyway");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ServingState servingState(ProxyConfig target) {
        Map<String, Upstream> byName = new LinkedHashMap<>();
        Map<String, LoadBalancer> balancers = new LinkedHashMap<>();
        for (UpstreamRuntime runtime : upstreams.values()) {
            byName.put(runtime.upstream().name(), runtime.upstream());
            balancers.put(runtime.upstream().name(), runtime.balancer());
        }
        FilterChain chain = FilterChain.of(filters.create(target), metrics);
        return ServingState.build(target, byName, balancers, chain, metrics);
    }

    /** TLS listeners bind first, so that a redirecting listener knows their port. */
    private static List<ListenerConfig> tlsFirst(List<ListenerConfig> configs) {
        List<ListenerConfig> ordered = new ArrayList<>();
        configs.stream().filter(listener -> listener.tls() != null).forEach(ordered::add);
        configs.stream().filter(listener -> listener.tls() == null).forEach(ordered::add);
        return ordered;
    }

    private ListenerRuntime bind(ListenerConfig listener) throws IOException {
        ServerTlsContexts tls = null;
        CertificateWatcher watcher = null;
        TlsConfig tlsConfig = listener.tls();
        if (tlsConfig != null) {
            try {
                tls = ServerTlsContexts.load(tlsConfig);
            } catch (TlsConfigException e) {
                throw new IOException(
                        "listener " + listener.name() + ": " + describe(e.problems()), e);
            }
            for (TlsProblem warning : tls.warnings()) {
                LOG.warn("listener {}: {}", listener.name(), warning);
            }
        }
        ListenerContext context =
                new ListenerContext(
                        listener.name(),
                        tls,
                        tls == null ? null : handshakeMetrics,
                        listener.h2c(),
                        listener.redirectHttps() ? redirectPort() : 0,
                        state,
                        guard,
                        metrics);
        ServerBootstrap bootstrap =
                new ServerBootstrap()
                        // Accepting on an event loop, not a thread of its own: a new connection is
                        // then registered without a hand-off between threads, which cost a
                        // context switch per connection on a busy core.
                        // TODO(reuseport): one listening socket per event loop (SO_REUSEPORT),
                        // so that no accepted connection changes threads when there are several.
                        .group(workers, workers)
                        .channel(transport.serverChannel())
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        // A client may half-close after its last request and still be answered.
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childOption(
                                ChannelOption.WRITE_BUFFER_WATER_MARK,
                                new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                        // One allocator for all (each channel still sizes its reads by its own
                        // handle); Netty's default is an allocator object per connection.
                        .childOption(ChannelOption.RCVBUF_ALLOCATOR, CLIENT_READS)
                        .childHandler(new ListenerInitializer(context, clients));
        InetSocketAddress address = listener.bind().toSocketAddress();
        ChannelFuture binding = bootstrap.bind(address).awaitUninterruptibly();
        if (!binding.isSuccess()) {
            if (tls != null) {
                tls.close();
            }
            throw new IOException(
                    "listener "
                            + listener.name()
                            + " cannot bind "
                            + listener.bind()
                            + ": "
                            + binding.cause().getMessage(),
                    binding.cause());
        }
        if (tls != null) {
            watcher =
                    new CertificateWatcher(
                            listener.name(), tls, fileWatch, CertificateWatcher.DEFAULT_INTERVAL);
            watcher.start();
        }
        return new ListenerRuntime(listener, context, binding.channel(), tls, watcher);
    }

    private int redirectPort() {
        for (ListenerRuntime runtime : listeners.values()) {
            if (runtime.tls() != null) {
                return runtime.address().getPort();
            }
        }
        throw new IllegalStateException("redirect_https needs a TLS listener");
    }

    private static String describe(List<TlsProblem> problems) {
        StringJoiner joined = new StringJoiner("; ");
        problems.forEach(problem -> joined.add(problem.toString()));
        return joined.toString();
    }

    // ---------------------------------------------------------------- reload

    /** What a reload did. */
    public record ReloadOutcome(boolean applied, List<String> problems, String summary) {}

    /**
     * Swaps in a validated configuration. Everything that can fail (certificates, name resolution,
     * binding new listeners) is prepared first; when any of it fails, nothing changes and the
     * problems are returned.
     */
    public synchronized ReloadOutcome reload(ProxyConfig next) {
        if (closed || draining) {
            return new ReloadOutcome(false, List.of("the proxy is shutting down"), "");
        }
        List<String> problems = new ArrayList<>();
        ProxyConfig current = config;
        if (next.server().eventLoopThreads() != current.server().eventLoopThreads()
                || next.server().transport() != current.server().transport()) {
            LOG.warn(
                    "server.event_loop_threads and server.transport take effect at the next"
                            + " restart only");
        }
        Map<String, UpstreamRuntime> nextUpstreams;
        try {
            nextUpstreams = buildUpstreams(next, upstreams);
        } catch (IOException e) {
            return new ReloadOutcome(false, List.of(e.getMessage()), "");
        }
        List<UpstreamRuntime> rebuilt = new ArrayList<>();
        for (UpstreamRuntime runtime : nextUpstreams.values()) {
            if (!upstreams.containsValue(runtime)) {
                retireOldHealth(runtime);
                rebuilt.add(runtime);
            }
        }
        // Backends never checked take no traffic: serving a new upstream before its first checks
        // would answer its requests with 503.
        awaitFirstChecks(rebuilt);
        Map<String, UpstreamRuntime> previousUpstreams = new LinkedHashMap<>(upstreams);
        upstreams.clear();
        upstreams.putAll(nextUpstreams);
        publishUpstreams();
        config = next;
        state.set(servingState(next));
        reloadListeners(next, problems);
        retireRemoved(previousUpstreams, nextUpstreams);
        String summary =
                next.upstreams().size()
                        + " upstreams, "
                        + next.routes().size()
                        + " routes, "
                        + listeners.size()
                        + " listeners";
        return new ReloadOutcome(problems.isEmpty(), problems, summary);
    }

    private void retireOldHealth(UpstreamRuntime replacement) {
        for (UpstreamRuntime old : upstreams.values()) {
            if (old.config().name().equals(replacement.config().name())) {
                old.health().close();
            }
        }
    }

    private void reloadListeners(ProxyConfig next, List<String> problems) {
        Map<String, ListenerConfig> wanted = new LinkedHashMap<>();
        tlsFirst(next.listeners()).forEach(listener -> wanted.put(listener.name(), listener));
        for (var iterator = listeners.entrySet().iterator(); iterator.hasNext(); ) {
            var entry = iterator.next();
            ListenerConfig replacement = wanted.get(entry.getKey());
            if (replacement == null || !sameSocket(entry.getValue().config(), replacement)) {
                entry.getValue().close();
                iterator.remove();
            } else {
                ServerTlsContexts tls = entry.getValue().tls();
                if (tls != null) {
                    var result = tls.reload();
                    if (!result.applied()) {
                        problems.add(
                                "listener "
                                        + entry.getKey()
                                        + " keeps its certificates: "
                                        + describe(result.problems()));
                    }
                }
            }
        }
        for (ListenerConfig listener : wanted.values()) {
            if (!listeners.containsKey(listener.name())) {
                try {
                    listeners.put(listener.name(), bind(listener));
                } catch (IOException | RuntimeException e) {
                    problems.add(e.getMessage());
                }
            }
        }
    }

    /** Whether a listener can keep its socket: same address, same protocol options. */
    private static boolean sameSocket(ListenerConfig before, ListenerConfig after) {
        return before.bind().equals(after.bind())
                && before.h2c() == after.h2c()
                && before.redirectHttps() == after.redirectHttps()
                && Objects.equals(before.tls(), after.tls());
    }

    private void retireRemoved(
            Map<String, UpstreamRuntime> before, Map<String, UpstreamRuntime> after) {
        Set<Backend> kept = new HashSet<>();
        after.values().forEach(runtime -> kept.addAll(runtime.upstream().backends()));
        for (UpstreamRuntime runtime : before.values()) {
            if (!after.containsValue(runtime) && !after.containsKey(runtime.config().name())) {
                runtime.health().close();
            }
            for (Backend backend : runtime.upstream().backends()) {
                if (!kept.contains(backend)) {
                    // In-flight requests finish; their connections close when released.
                    backend.setAvailable(false);
                    backend.closePools();
                    metrics.removeBackend(backend.upstreamName(), backend.id());
                }
            }
        }
    }

    private void retireNewBackends(UpstreamRuntime runtime, Map<String, UpstreamRuntime> previous) {
        Set<Backend> old = new HashSet<>();
        previous.values().forEach(before -> old.addAll(before.upstream().backends()));
        for (Backend backend : runtime.upstream().backends()) {
            if (!old.contains(backend)) {
                backend.closePools();
                metrics.removeBackend(backend.upstreamName(), backend.id());
            }
        }
    }

    // ---------------------------------------------------------------- shutdown

    /** Whether the proxy takes new requests (false once draining has begun). */
    public boolean isReady() {
        return !draining && !closed && state.get() != null;
    }

    /**
     * Shuts down gracefully: stops accepting, lets requests in flight finish up to {@code timeout}
     * (idle keep-alive connections close at once, busy ones answer with {@code Connection: close},
     * HTTP/2 clients get GOAWAY), then closes what is left and everything else.
     */
    public void drain(Duration timeout) {
        synchronized (this) {
            if (closed || draining) {
                return;
            }
            draining = true;
        }
        for (ListenerRuntime listener : listeners.values()) {
            listener.startDraining();
            listener.stopAccepting();
        }
        LOG.info("Draining: {} client connections open", guard.openConnections());
        for (Channel client : clients.open()) {
            client.eventLoop()
                    .execute(() -> client.pipeline().fireUserEventTriggered(ConnectionDrain.EVENT));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (guard.openConnections() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = guard.openConnections();
        if (left > 0) {
            LOG.warn("Drain timeout of {} reached; closing {} connections", timeout, left);
        }
        close();
    }

    // ---------------------------------------------------------------- views

    private String summary() {
        StringJoiner listenerText = new StringJoiner(", ");
        for (ListenerRuntime runtime : listeners.values()) {
            ListenerConfig listener = runtime.config();
            ServerTlsContexts tls = runtime.tls();
            String protocol =
                    tls != null
                            ? "https ("
                                    + tls.description()
                                    + (Objects.requireNonNull(listener.tls()).http2() ? ", h2" : "")
                                    + ")"
                            : listener.redirectHttps()
                                    ? "http, redirecting to https"
                                    : listener.h2c() ? "http and h2c" : "http";
            listenerText.add(listener.name() + " on " + format(runtime.address()) + " " + protocol);
        }
        StringJoiner upstreamText = new StringJoiner(", ");
        for (UpstreamRuntime runtime : upstreams.values()) {
            StringJoiner backends = new StringJoiner(" ");
            runtime.upstream().backends().forEach(backend -> backends.add(backend.id()));
            upstreamText.add(
                    runtime.upstream().name()
                            + " ("
                            + runtime.config().balance().name().toLowerCase(Locale.ROOT)
                            + ": "
                            + backends
                            + ")");
        }
        return "Portcullis serving: listeners "
                + listenerText
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
        ListenerRuntime runtime = listeners.get(listener);
        if (runtime == null) {
            throw new IllegalArgumentException("no bound listener named " + listener);
        }
        return runtime.address();
    }

    public Transport transport() {
        return transport;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** The configuration being served. */
    public ProxyConfig config() {
        return config;
    }

    /** The upstreams by name, with their backends. */
    public Map<String, Upstream> upstreams() {
        Map<String, Upstream> view = new LinkedHashMap<>();
        upstreamView.forEach((name, runtime) -> view.put(name, runtime.upstream()));
        return view;
    }

    /** The health and load of every backend, by upstream, for the admin API. */
    public Map<String, List<BackendStatus>> backendStatuses() {
        Map<String, List<BackendStatus>> view = new HashMap<>();
        upstreamView.forEach((name, runtime) -> view.put(name, runtime.health().statuses()));
        return view;
    }

    /** Publishes the upstreams for readers outside the reload lock (the admin thread). */
    private void publishUpstreams() {
        upstreamView = Map.copyOf(upstreams);
    }

    /** Open client connections right now. */
    public int openConnections() {
        return guard.openConnections();
    }

    /** Stops listening, closes every connection and pool and shuts the event loops down. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (ListenerRuntime listener : listeners.values()) {
            listener.close();
        }
        listeners.clear();
        clients.closeAll(2000);
        for (UpstreamRuntime runtime : upstreams.values()) {
            runtime.health().close();
            for (Backend backend : runtime.upstream().backends()) {
                backend.closePools();
            }
        }
        fileWatch.shutdownNow();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        upstreamTls.close();
    }
}
