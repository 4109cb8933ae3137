package dev.portcullis.testing;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.filter.FilterChain;
import dev.portcullis.health.BackendStatus;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.server.FilterChainFactory;
import dev.portcullis.server.ProxyServer;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.Upstream;
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

    /** The backend of the upstream that listens on the port; fails when there is none. */
    public Backend backend(String upstream, int port) {
        Upstream found = server.upstreams().get(upstream);
        if (found == null) {
            throw new IllegalArgumentException("no upstream named " + upstream);
        }
        return found.backends().stream()
                .filter(backend -> backend.config().port() == port)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend on port " + port));
    }

    /** The health of a backend as the admin API shows it now. */
    public BackendStatus status(Backend backend) {
        List<BackendStatus> statuses = server.backendStatuses().get(backend.upstreamName());
        if (statuses == null) {
            throw new IllegalArgumentException("no upstream named " + backend.upstreamName());
        }
        return statuses.stream()
                .filter(status -> status.backend().equals(backend.id()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no status of " + backend));
    }

    public ProxyServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
