package dev.portcullis.testing;

import dev.portcullis.config.AccessLogFormat;
import dev.portcullis.config.AdminConfig;
import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.BackendTlsConfig;
import dev.portcullis.config.BalancePolicy;
import dev.portcullis.config.BindAddress;
import dev.portcullis.config.ClientIpConfig;
import dev.portcullis.config.LimitsConfig;
import dev.portcullis.config.ListenerConfig;
import dev.portcullis.config.LoggingConfig;
import dev.portcullis.config.PoolConfig;
import dev.portcullis.config.ProxyConfig;
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
                    plain.healthCheck(),
                    plain.outlier(),
                    plain.circuitBreaker(),
                    plain.retryBudget(),
                    plain.dnsRefresh());
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
                    new ServerConfig(2, transport),
                    new ClientIpConfig(trusted),
                    limits,
                    List.of(upstream()),
                    effectiveRoutes,
                    new AdminConfig(null),
                    new LoggingConfig(AccessLogFormat.JSON));
        }
    }
}
