package dev.portcullis.testing;

import dev.portcullis.config.AccessLogFormat;
import dev.portcullis.config.AdminConfig;
import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.BackendTlsConfig;
import dev.portcullis.config.BalancePolicy;
import dev.portcullis.config.BindAddress;
import dev.portcullis.config.CircuitBreakerConfig;
import dev.portcullis.config.ClientIpConfig;
import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.config.HealthCheckKind;
import dev.portcullis.config.LimitsConfig;
import dev.portcullis.config.ListenerConfig;
import dev.portcullis.config.LoggingConfig;
import dev.portcullis.config.OutlierConfig;
import dev.portcullis.config.PoolConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.RetryBudgetConfig;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.ServerConfig;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.config.TransportChoice;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.config.UpstreamTimeouts;
import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.net.Cidr;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Configurations for tests, built in code with the defaults of the reference file. */
public final class TestConfigs {

    private TestConfigs() {}

    public static LimitsConfig defaultLimits() {
        return new LimitsConfig(
                20_000,
                200,
                ByteSize.ofKibibytes(8),
                ByteSize.ofKibibytes(16),
                100,
                ByteSize.ofMebibytes(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    /** The default limits with other connection caps and body limit. */
    public static LimitsConfig limits(
            int maxConnections, int maxConnectionsPerIp, ByteSize maxBodyBytes) {
        LimitsConfig defaults = defaultLimits();
        return new LimitsConfig(
                maxConnections,
                maxConnectionsPerIp,
                defaults.maxRequestLine(),
                defaults.maxHeaderBytes(),
                defaults.maxHeaders(),
                maxBodyBytes,
                defaults.headerTimeout(),
                defaults.idleTimeout());
    }

    public static UpstreamTimeouts defaultTimeouts() {
        return new UpstreamTimeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /**
     * An HTTP check of {@code path} every {@code interval} without jitter, timing out at three
     * quarters of the interval, passing on 200 to 399, with no traffic before the first pass.
     */
    public static HealthCheckConfig httpCheck(
            String path, Duration interval, int healthy, int unhealthy) {
        return new HealthCheckConfig(
                HealthCheckKind.HTTP,
                path,
                interval,
                0,
                interval.multipliedBy(3).dividedBy(4),
                200,
                399,
                healthy,
                unhealthy,
                true,
                null);
    }

    /** An upstream of plain backends on 127.0.0.1 with every default and no active checks. */
    public static UpstreamConfig upstream(String name, InetSocketAddress... backends) {
        List<BackendConfig> configs = new ArrayList<>();
        for (InetSocketAddress address : backends) {
            configs.add(new BackendConfig(URI.create("http://127.0.0.1:" + address.getPort()), 1));
        }
        return new UpstreamConfig(
                name,
                BalancePolicy.ROUND_ROBIN,
                configs,
                1,
                defaultTimeouts(),
                new PoolConfig(32, Duration.ofSeconds(15)));
    }

    /** Builder of a one-listener, one-upstream configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** A mutable description turned into an immutable {@link ProxyConfig}. */
    public static final class Builder {
        private LimitsConfig limits = defaultLimits();
        private UpstreamTimeouts timeouts = defaultTimeouts();
        private PoolConfig pool = new PoolConfig(256, Duration.ofSeconds(15));
        private BalancePolicy balance = BalancePolicy.ROUND_ROBIN;
        private final List<BackendConfig> backends = new ArrayList<>();
        private final List<Cidr> trusted = new ArrayList<>();
        private final List<RouteConfig> routes = new ArrayList<>();
        private int retries = 1;
        private TransportChoice transport = TransportChoice.AUTO;
        private @Nullable TlsConfig tls;
        private boolean h2c;
        private final List<ListenerConfig> extraListeners = new ArrayList<>();
        private @Nullable HealthCheckConfig healthCheck;
        private OutlierConfig outlier = OutlierConfig.defaults();
        private CircuitBreakerConfig circuitBreaker = CircuitBreakerConfig.defaults();
        private RetryBudgetConfig retryBudget = RetryBudgetConfig.defaults();
        private Duration drainTimeout = ServerConfig.DEFAULT_DRAIN_TIMEOUT;
        private final List<UpstreamConfig> extraUpstreams = new ArrayList<>();
        private AccessLogFormat accessLog = AccessLogFormat.JSON;

        /** The access log format ({@code OFF} keeps load tests' output small). */
        public Builder accessLog(AccessLogFormat value) {
            this.accessLog = value;
            return this;
        }

        /** Active health checks of the {@code app} upstream (none unless given). */
        public Builder healthCheck(HealthCheckConfig value) {
            this.healthCheck = value;
            return this;
        }

        /** Outlier detection of the {@code app} upstream (the defaults unless given). */
        public Builder outlier(OutlierConfig value) {
            this.outlier = value;
            return this;
        }

        /** The circuit breaker of the {@code app} upstream's backends. */
        public Builder circuitBreaker(CircuitBreakerConfig value) {
            this.circuitBreaker = value;
            return this;
        }

        /** The retry budget of the {@code app} upstream. */
        public Builder retryBudget(RetryBudgetConfig value) {
            this.retryBudget = value;
            return this;
        }

        /** {@code server.drain_timeout}. */
        public Builder drainTimeout(Duration value) {
            this.drainTimeout = value;
            return this;
        }

        /** Adds an upstream beside {@code app}, for routes that name it. */
        public Builder upstream(UpstreamConfig value) {
            extraUpstreams.add(value);
            return this;
        }

        /** A route to an upstream of the test's choosing. */
        public Builder routeTo(
                String name, @Nullable String host, String pathPrefix, String upstream) {
            routes.add(new RouteConfig(name, host, pathPrefix, upstream));
            return this;
        }

        public Builder limits(LimitsConfig value) {
            this.limits = value;
            return this;
        }

        public Builder timeouts(UpstreamTimeouts value) {
            this.timeouts = value;
            return this;
        }

        public Builder pool(PoolConfig value) {
            this.pool = value;
            return this;
        }

        public Builder balance(BalancePolicy value) {
            this.balance = value;
            return this;
        }

        public Builder retries(int value) {
            this.retries = value;
            return this;
        }

        public Builder transport(TransportChoice value) {
            this.transport = value;
            return this;
        }

        /** Makes the {@code test} listener HTTPS. */
        public Builder tls(TlsConfig value) {
            this.tls = value;
            return this;
        }

        /** Lets the plain {@code test} listener take HTTP/2 with prior knowledge. */
        public Builder h2c() {
            this.h2c = true;
            return this;
        }

        /** Adds a listener beside {@code test} (for instance a redirecting one). */
        public Builder listener(ListenerConfig listener) {
            extraListeners.add(listener);
            return this;
        }

        /** A backend with a URL of the test's choosing ({@code https://...} for TLS backends). */
        public Builder backend(URI url) {
            backends.add(new BackendConfig(url, 1));
            return this;
        }

        public Builder backend(InetSocketAddress address) {
            return backend(address, 1);
        }

        public Builder backend(InetSocketAddress address, int weight) {
            backends.add(
                    new BackendConfig(URI.create("http://127.0.0.1:" + address.getPort()), weight));
            return this;
        }

        public Builder trustedProxy(String cidr) {
            trusted.add(Cidr.parse(cidr));
            return this;
        }

        public Builder route(String name, String host, String pathPrefix) {
            routes.add(new RouteConfig(name, host, pathPrefix, "app"));
            return this;
        }

        private BackendTlsConfig backendTls = BackendTlsConfig.verifyWithDefaultTrust();

        /** How {@code https://} backends are verified. */
        public Builder backendTls(BackendTlsConfig value) {
            this.backendTls = value;
            return this;
        }

        private UpstreamConfig upstream() {
            UpstreamConfig plain =
                    new UpstreamConfig("app", balance, backends, retries, timeouts, pool);
            return new UpstreamConfig(
                    plain.name(),
                    plain.balance(),
                    plain.backends(),
                    plain.retries(),
                    plain.timeouts(),
                    plain.pool(),
                    backendTls,
                    healthCheck,
                    outlier,
                    circuitBreaker,
                    retryBudget,
                    plain.dnsRefresh());
        }

        private List<UpstreamConfig> upstreams() {
            List<UpstreamConfig> all = new ArrayList<>();
            all.add(upstream());
            all.addAll(extraUpstreams);
            return all;
        }

        public ProxyConfig build() {
            List<RouteConfig> effectiveRoutes =
                    routes.isEmpty() ? List.of(new RouteConfig("all", null, "/", "app")) : routes;
            List<ListenerConfig> listeners = new ArrayList<>();
            listeners.add(
                    new ListenerConfig("test", new BindAddress("127.0.0.1", 0), tls, h2c, false));
            listeners.addAll(extraListeners);
            return new ProxyConfig(
                    listeners,
                    new ServerConfig(2, transport, drainTimeout, true),
                    new ClientIpConfig(trusted),
                    limits,
                    upstreams(),
                    effectiveRoutes,
                    new AdminConfig(null),
                    new LoggingConfig(accessLog));
        }
    }
}
