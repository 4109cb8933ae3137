package dev.portcullis.testing;

import dev.portcullis.config.AccessLogFormat;
import dev.portcullis.config.AdminConfig;
import dev.portcullis.config.BackendConfig;
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
        private PoolConfig pool = new PoolConfig(32, Duration.ofSeconds(15));
        private BalancePolicy balance = BalancePolicy.ROUND_ROBIN;
        private final List<BackendConfig> backends = new ArrayList<>();
        private final List<Cidr> trusted = new ArrayList<>();
        private final List<RouteConfig> routes = new ArrayList<>();
        private int retries = 1;
        private TransportChoice transport = TransportChoice.AUTO;

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

        public ProxyConfig build() {
            List<RouteConfig> effectiveRoutes =
                    routes.isEmpty() ? List.of(new RouteConfig("all", null, "/", "app")) : routes;
            return new ProxyConfig(
                    List.of(new ListenerConfig("test", new BindAddress("127.0.0.1", 0))),
                    new ServerConfig(2, transport),
                    new ClientIpConfig(trusted),
                    limits,
                    List.of(new UpstreamConfig("app", balance, backends, retries, timeouts, pool)),
                    effectiveRoutes,
                    new AdminConfig(null),
                    new LoggingConfig(AccessLogFormat.JSON));
        }
    }
}
