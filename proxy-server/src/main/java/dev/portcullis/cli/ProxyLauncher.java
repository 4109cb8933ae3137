package dev.portcullis.cli;

import dev.portcullis.admin.AdminApi;
import dev.portcullis.admin.AdminServer;
import dev.portcullis.admin.UpstreamsJson;
import dev.portcullis.config.BindAddress;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.reload.ConfigFileWatcher;
import dev.portcullis.reload.ConfigReloader;
import dev.portcullis.server.FilterChainFactory;
import dev.portcullis.server.ProxyServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the proxy with its metrics registry, admin listener and reload triggers (file change,
 * SIGHUP, {@code POST /api/reload}), and shuts it all down gracefully on SIGTERM or SIGINT: the
 * readiness check fails at once, listeners stop accepting, requests in flight finish within {@code
 * server.drain_timeout}, and the process exits with 0.
 */
final class ProxyLauncher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyLauncher.class);
    private static final Duration FILE_POLL = Duration.ofSeconds(2);

    private final ProxyServer server;
    private final @Nullable AdminServer admin;
    private final @Nullable InetSocketAddress adminAddress;
    private final @Nullable ConfigReloader reloader;
    private final @Nullable ConfigFileWatcher watcher;
    private final ScheduledExecutorService background;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProxyLauncher(
            ProxyServer server,
            @Nullable AdminServer admin,
            @Nullable InetSocketAddress adminAddress,
            @Nullable ConfigReloader reloader,
            @Nullable ConfigFileWatcher watcher,
            ScheduledExecutorService background) {
        this.server = server;
        this.admin = admin;
        this.adminAddress = adminAddress;
        this.reloader = reloader;
        this.watcher = watcher;
        this.background = background;
    }

    /**
     * Starts everything the configuration asks for.
     *
     * @param file the configuration file reloads read, or null when there is none to reload
     * @throws IOException when a listener cannot bind; nothing is left running then
     */
    static ProxyLauncher start(
            ProxyConfig config, String source, @Nullable Path file, Map<String, String> env)
            throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindProcessMeters(registry);
        ProxyServer server =
                new ProxyServer(
                        config, new ProxyMetrics(registry), FilterChainFactory.standard(), source);
        server.start();
        ScheduledExecutorService background =
                Executors.newSingleThreadScheduledExecutor(
                        new DefaultThreadFactory("portcullis-reload", true));
        ConfigReloader reloader =
                file == null ? null : new ConfigReloader(file, env, server, registry);
        AdminServer admin = null;
        InetSocketAddress adminAddress = null;
        BindAddress adminBind = config.admin().bind();
        try {
            if (adminBind != null) {
                admin =
                        new AdminServer(
                                adminBind,
                                registry,
                                new Api(server, reloader),
                                config.admin().token());
                adminAddress = admin.start();
                LOG.info(
                        "Admin listener on {}:{} (/healthz, /readyz, /metrics, /api/upstreams,"
                                + " POST /api/reload)",
                        adminBind.host(),
                        adminAddress.getPort());
            }
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close();
            }
            server.close();
            background.shutdownNow();
            throw new IOException(e.getMessage(), e);
        }
        ConfigFileWatcher watcher = null;
        if (reloader != null && file != null && config.server().watchConfig()) {
            ConfigReloader target = reloader;
            watcher =
                    new ConfigFileWatcher(
                            file, () -> target.reload("file changed"), background, FILE_POLL);
            watcher.start();
        }
        ProxyLauncher launcher =
                new ProxyLauncher(server, admin, adminAddress, reloader, watcher, background);
        launcher.installSignals();
        return launcher;
    }

    private void installSignals() {
        ConfigReloader target = reloader;
        if (target != null) {
            Signals.on("HUP", () -> target.reload("SIGHUP"));
        }
        boolean term = Signals.on("TERM", this::close);
        boolean interrupt = Signals.on("INT", this::close);
        if (!term || !interrupt) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "portcullis-shutdown"));
        }
    }

    private static void bindProcessMeters(PrometheusMeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            new NettyAllocatorMetrics(allocator).bindTo(registry);
        }
    }

    ProxyServer server() {
        return server;
    }

    @Nullable InetSocketAddress adminAddress() {
        return adminAddress;
    }

    /** Blocks until the process has been told to stop and has drained. */
    void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Drains and stops; safe to call from a signal thread, more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration drain = server.config().server().drainTimeout();
        LOG.info("Portcullis stopping: draining for up to {}", drain);
        ConfigFileWatcher currentWatcher = watcher;
        if (currentWatcher != null) {
            currentWatcher.close();
        }
        server.drain(drain);
        AdminServer adminServer = admin;
        if (adminServer != null) {
            adminServer.close();
        }
        background.shutdownNow();
        LOG.info("Portcullis stopped");
        stopped.countDown();
    }

    /** What the admin listener asks of this process. */
    private static final class Api implements AdminApi {
        private final ProxyServer server;
        private final @Nullable ConfigReloader reloader;

        Api(ProxyServer server, @Nullable ConfigReloader reloader) {
            this.server = server;
            this.reloader = reloader;
        }

        @Override
        public boolean ready() {
            return server.isReady();
        }

        @Override
        public ReloadAnswer reload() {
            ConfigReloader target = reloader;
            if (target == null) {
                return new ReloadAnswer(
                        false, "this process has no configuration file to reload\n");
            }
            ConfigReloader.Outcome outcome = target.reload("admin API");
            return new ReloadAnswer(outcome.applied(), outcome.message());
        }

        @Override
        public String upstreamsJson() {
            return UpstreamsJson.render(server.upstreams(), server.backendStatuses());
        }
    }
}
