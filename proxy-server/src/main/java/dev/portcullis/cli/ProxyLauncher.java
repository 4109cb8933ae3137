package dev.portcullis.cli;

import dev.portcullis.admin.AdminServer;
import dev.portcullis.config.BindAddress;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.metrics.ProxyMetrics;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the proxy with its metrics registry and admin listener, and stops all of it on SIGTERM or
 * SIGINT (through a shutdown hook) or on {@link #close()}.
 */
final class ProxyLauncher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyLauncher.class);

    private final ProxyServer server;
    private final @Nullable AdminServer admin;
    private final @Nullable InetSocketAddress adminAddress;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    private ProxyLauncher(
            ProxyServer server, @Nullable AdminServer admin, @Nullable InetSocketAddress address) {
        this.server = server;
        this.admin = admin;
        this.adminAddress = address;
        this.hook = new Thread(this::close, "portcullis-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts everything the configuration asks for.
     *
     * @throws IOException when a listener cannot bind; nothing is left running then
     */
    static ProxyLauncher start(ProxyConfig config, String source) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindProcessMeters(registry);
        ProxyServer server =
                new ProxyServer(
                        config, new ProxyMetrics(registry), FilterChainFactory.standard(), source);
        server.start();
        BindAddress adminBind = config.admin().bind();
        if (adminBind == null) {
            return new ProxyLauncher(server, null, null);
        }
        AdminServer admin = new AdminServer(adminBind, registry, () -> true);
        try {
            InetSocketAddress address = admin.start();
            LOG.info(
                    "Admin listener on {} (/healthz, /readyz, /metrics)",
                    adminBind.host() + ":" + address.getPort());
            return new ProxyLauncher(server, admin, address);
        } catch (RuntimeException e) {
            admin.close();
            server.close();
            throw new IOException(e.getMessage(), e);
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

    /** Blocks until the process is told to stop. */
    void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook runs or ran: it does the same work.
            }
        }
        LOG.info("Portcullis stopping");
        AdminServer adminServer = admin;
        if (adminServer != null) {
            adminServer.close();
        }
        server.close();
        stopped.countDown();
    }
}
