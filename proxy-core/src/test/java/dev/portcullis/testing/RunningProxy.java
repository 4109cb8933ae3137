package dev.portcullis.testing;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.filter.FilterChain;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.server.FilterChainFactory;
import dev.portcullis.server.ProxyServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/** A proxy started on a free port of 127.0.0.1 for one test. */
public final class RunningProxy implements AutoCloseable {

    private final ProxyServer server;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RunningProxy(ProxyConfig config, FilterChainFactory filters) throws IOException {
        server = new ProxyServer(config, new ProxyMetrics(registry), filters, "test");
        server.start();
    }

    public static RunningProxy start(ProxyConfig config) throws IOException {
        return new RunningProxy(config, FilterChainFactory.standard());
    }

    public static RunningProxy start(ProxyConfig config, List<FilterChain.Entry> filters)
            throws IOException {
        return new RunningProxy(config, ignored -> filters);
    }

    public InetSocketAddress address() {
        return server.address("test");
    }

    public InetSocketAddress address(String listener) {
        return server.address(listener);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + address().getPort() + path);
    }

    public SimpleMeterRegistry registry() {
        return registry;
    }

    /** The sum of the counters of that name with those tags (name, value, ...), 0 if none. */
    public double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    public ProxyServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
