package dev.portcullis.health;

import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.BalancePolicy;
import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.config.HealthCheckKind;
import dev.portcullis.config.PoolConfig;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.config.UpstreamTimeouts;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.Upstream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Upstreams, backends and check settings for the health tests. */
final class HealthTesting {

    private HealthTesting() {}

    static Upstream upstream(String name, List<Backend> backends) {
        UpstreamConfig config =
                new UpstreamConfig(
                        name,
                        BalancePolicy.ROUND_ROBIN,
                        backends.stream().map(Backend::config).toList(),
                        0,
                        new UpstreamTimeouts(
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1)),
                        new PoolConfig(4, Duration.ofSeconds(30)));
        return new Upstream(config, backends);
    }

    /** A backend of upstream "app" that points at the test server. */
    static Backend backendOf(TestBackend server) {
        return new Backend(
                "app",
                new BackendConfig(URI.create("http://127.0.0.1:" + server.address().getPort()), 1));
    }

    /** HTTP checks of {@code /healthz} every 50 ms, 2 up and 3 down, no traffic before a pass. */
    static HealthCheckConfig httpChecks(Duration timeout) {
        return checks(HealthCheckKind.HTTP, timeout, null);
    }

    static HealthCheckConfig checks(
            HealthCheckKind kind, Duration timeout, @Nullable String hostHeader) {
        return new HealthCheckConfig(
                kind,
                "/healthz",
                Duration.ofMillis(50),
                0.2,
                timeout,
                200,
                399,
                2,
                3,
                true,
                hostHeader);
    }
}
