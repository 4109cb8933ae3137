package dev.portcullis.health;

import static dev.portcullis.health.HealthTesting.backendOf;
import static dev.portcullis.health.HealthTesting.httpChecks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.config.OutlierConfig;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.BackendPool;
import dev.portcullis.upstream.BackendPools;
import dev.portcullis.upstream.Upstream;
import dev.portcullis.upstream.UpstreamConnection;
import dev.portcullis.upstream.UpstreamListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The health of an upstream together with real backend pools: a backend that goes out of service
 * loses its idle connections and keeps a usable pool.
 */
class UpstreamHealthIT {

    private final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProxyMetrics metrics = new ProxyMetrics(registry);
    private volatile int healthStatus = 200;
    private final TestBackend server;
    private final Backend backend;
    private @Nullable UpstreamHealth health;

    UpstreamHealthIT() throws InterruptedException {
        server =
                TestBackend.start(
                        "app",
                        (request, reply) ->
                                reply.text(
                                        request.uri().equals("/healthz") ? healthStatus : 200,
                                        "hello"));
        backend = backendOf(server);
    }

    @AfterEach
    void stop() {
        if (health != null) {
            health.close();
        }
        backend.closePools();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Test
    void checksFail_idlePooledConnection_isClosed() throws Exception {
        start(httpChecks(Duration.ofSeconds(2)));
        int connection = requestAndPool();

        healthStatus = 500;

        await().until(() -> !server.isOpen(connection));
        assertThat(backend.isAvailable()).isFalse();
        assertThat(idleCount()).isZero();
    }

    @Test
    void ejected_idlePooledConnection_isClosed() throws Exception {
        start(null);
        int connection = requestAndPool();

        for (int i = 0; i < 5; i++) {
            backend.observer().onLocalFailure();
        }

        await().until(() -> !server.isOpen(connection));
        assertThat(idleCount()).isZero();
    }

    @Test
    void backendReturns_afterIdleConnectionsClosed_poolServesAndPoolsAgain() throws Exception {
        start(httpChecks(Duration.ofSeconds(2)));
        int first = requestAndPool();
        healthStatus = 500;
        await().until(() -> !server.isOpen(first));

        healthStatus = 200;
        await().until(backend::isAvailable);
        int second = requestAndPool();

        assertThat(second).isNotEqualTo(first);
        assertThat(server.isOpen(second)).isTrue();
    }

    @Test
    void backendTakenOutWhileConnectionInUse_releasedConnection_isNotPooled() throws Exception {
        start(null);
        Exchange exchange = new Exchange(false);
        int connection = exchange.run();

        for (int i = 0; i < 5; i++) {
            backend.observer().onLocalFailure();
        }
        loop.submit(() -> exchange.connection().release(true)).get(1, TimeUnit.SECONDS);

        await().until(() -> !server.isOpen(connection));
        assertThat(idleCount()).isZero();
    }

    @Test
    void backendUpGauge_followsAvailability() throws Exception {
        start(httpChecks(Duration.ofSeconds(2)));
        assertThat(backendUp()).isEqualTo(1);

        healthStatus = 500;

        await().until(() -> backendUp() == 0);
    }

    @Test
    void statuses_oneBackendPerEntryInConfigurationOrder() throws Exception {
        start(httpChecks(Duration.ofSeconds(2)));

        List<BackendStatus> statuses = Objects.requireNonNull(health).statuses();

        assertThat(statuses).hasSize(1);
        BackendStatus status = statuses.get(0);
        assertThat(status.upstream()).isEqualTo("app");
        assertThat(status.backend()).isEqualTo(backend.id());
        assertThat(status.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(status.available()).isTrue();
        assertThat(status.ejectedUntil()).isNull();
        BackendStatus.LastCheck last = Objects.requireNonNull(status.lastCheck());
        assertThat(last.passed()).isTrue();
        assertThat(last.detail()).isEqualTo("status 200");
    }

    private void start(@Nullable HealthCheckConfig checks) throws Exception {
        Upstream upstream = HealthTesting.upstream("app", List.of(backend));
        BackendPools.install(upstream, group, NioSocketChannel.class, metrics);
        UpstreamHealth created =
                UpstreamHealth.create(
                        upstream,
                        checks,
                        // One backend: only 100 % lets outlier detection eject it.
                        new OutlierConfig(5, 0, Duration.ofSeconds(30), Duration.ofMinutes(5), 100),
                        group,
                        NioSocketChannel.class,
                        metrics);
        health = created;
        created.start().get(5, TimeUnit.SECONDS);
    }

    /** Sends one request through the pool and leaves its connection idle in the pool. */
    private int requestAndPool() throws Exception {
        int connection = new Exchange(true).run();
        await().until(() -> idleCount() == 1);
        return connection;
    }

    private int idleCount() throws Exception {
        return loop.submit(() -> pool().idleCount()).get(1, TimeUnit.SECONDS);
    }

    private BackendPool pool() {
        BackendPool pool = backend.pool(loop);
        if (pool == null) {
            throw new IllegalStateException("no pool on the test loop");
        }
        return pool;
    }

    private double backendUp() {
        return registry.get(MeterNames.BACKEND_UP)
                .tag(MeterNames.TAG_BACKEND, backend.id())
                .gauge()
                .value();
    }

    /** One request over a pooled connection, as the forwarding code makes it. */
    private final class Exchange implements UpstreamListener, BackendPool.AcquireCallback {
        private final boolean releaseAtEnd;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile @Nullable UpstreamConnection connection;

        Exchange(boolean releaseAtEnd) {
            this.releaseAtEnd = releaseAtEnd;
        }

        /** Runs the exchange and returns the backend's number of the connection that carried it. */
        int run() throws Exception {
            int before = server.requests().size();
            loop.execute(() -> pool().acquire(this, this));
            done.get(5, TimeUnit.SECONDS);
            // Health checks reach the same server; find this exchange's request among them.
            List<TestBackend.Recorded> requests = server.requests();
            for (int i = before; i < requests.size(); i++) {
                if (requests.get(i).uri().equals("/app")) {
                    return requests.get(i).connection();
                }
            }
            throw new IllegalStateException("the backend did not record the request");
        }

        UpstreamConnection connection() {
            UpstreamConnection held = connection;
            if (held == null) {
                throw new IllegalStateException("no connection acquired");
            }
            return held;
        }

        @Override
        public void acquired(UpstreamConnection acquired, boolean fresh) {
            connection = acquired;
            HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/app");
            head.headers().set(HttpHeaderNames.HOST, "app");
            acquired.writeHead(head);
            acquired.write(LastHttpContent.EMPTY_LAST_CONTENT);
            acquired.flush();
            acquired.read();
        }

        @Override
        public void failed(Throwable cause) {
            done.completeExceptionally(cause);
        }

        @Override
        public void onResponseHead(HttpResponse head) {}

        @Override
        public void onResponseContent(HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            content.release();
            if (!last) {
                return;
            }
            if (releaseAtEnd) {
                connection().release(true);
            }
            done.complete(null);
        }

        @Override
        public void onReadComplete() {
            if (!done.isDone()) {
                connection().read();
            }
        }

        @Override
        public void onWritabilityChanged(boolean writable) {}

        @Override
        public void onTunnelData(ByteBuf data) {
            data.release();
        }

        @Override
        public void onClosed(@Nullable Throwable cause) {
            done.completeExceptionally(
                    cause != null ? cause : new IOException("backend closed the connection"));
        }
    }
}
