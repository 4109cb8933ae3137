package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.REQUIRED;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.unit.ByteSize;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration files shipped in {@code config/} at the root of the repository. */
class ReferenceConfigFilesTest {

    // Surefire runs in the module directory, one level below the repository root.
    private static final Path CONFIG_DIRECTORY = Path.of("..", "config");

    @Test
    void reference_loadsAsValid() {
        assertThat(load("portcullis.yaml")).isNotNull();
    }

    @Test
    void reference_sectionsStateTheDefaults() {
        ProxyConfig reference = load("portcullis.yaml");
        ProxyConfig defaults = valid("server:\nclient_ip:\nlimits:\nadmin:\nlogging:\n" + REQUIRED);

        assertThat(reference.server()).isEqualTo(defaults.server());
        assertThat(reference.clientIp()).isEqualTo(defaults.clientIp());
        assertThat(reference.limits()).isEqualTo(defaults.limits());
        assertThat(reference.admin()).isEqualTo(defaults.admin());
        assertThat(reference.logging()).isEqualTo(defaults.logging());
    }

    @Test
    void reference_upstreamAndRouteStateTheDefaults() {
        ProxyConfig reference = load("portcullis.yaml");
        ProxyConfig defaults =
                valid(
                        """
                        listeners:
                          - name: public
                            bind: 127.0.0.1:8080
                        upstreams:
                          - name: app
                            timeouts:
                            pool:
                            backends:
                              - url: http://127.0.0.1:3000
                        routes:
                          - upstream: app
                        """);

        UpstreamConfig upstream = reference.upstreams().get(0);
        UpstreamConfig defaultUpstream = defaults.upstreams().get(0);
        assertThat(upstream.balance()).isEqualTo(defaultUpstream.balance());
        assertThat(upstream.retries()).isEqualTo(defaultUpstream.retries());
        assertThat(upstream.timeouts()).isEqualTo(defaultUpstream.timeouts());
        assertThat(upstream.pool()).isEqualTo(defaultUpstream.pool());
        assertThat(upstream.backends().get(0).weight())
                .isEqualTo(defaultUpstream.backends().get(0).weight());
        assertThat(reference.routes()).containsExactly(defaults.routes().get(0));
    }

    @Test
    void demo_loadsWithTheDemoSettings() {
        ProxyConfig demo = load("demo.yaml");

        assertThat(demo.listeners())
                .containsExactly(new ListenerConfig("public", new BindAddress("127.0.0.1", 8080)));
        assertThat(demo.upstreams()).hasSize(1);
        UpstreamConfig upstream = demo.upstreams().get(0);
        assertThat(upstream.name()).isEqualTo("demo");
        assertThat(upstream.balance()).isEqualTo(BalancePolicy.ROUND_ROBIN);
        assertThat(upstream.backends())
                .extracting(BackendConfig::url)
                .containsExactly(
                        URI.create("http://127.0.0.1:9001"), URI.create("http://127.0.0.1:9002"));
        assertThat(demo.routes()).containsExactly(new RouteConfig("web", null, "/", "demo"));
        assertThat(demo.admin().bind()).isEqualTo(new BindAddress("127.0.0.1", 9901));
        assertThat(demo.logging().accessLog()).isEqualTo(AccessLogFormat.JSON);
    }

    @Test
    void demo_limitsAreLowEnoughToSee() {
        LimitsConfig limits = load("demo.yaml").limits();

        assertThat(limits.maxBodyBytes()).isEqualTo(ByteSize.ofMebibytes(1));
        assertThat(limits.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limits.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limits.maxConnectionsPerIp()).isEqualTo(64);
        assertThat(limits.maxHeaders()).isEqualTo(64);
    }

    private static ProxyConfig load(String name) {
        ConfigResult result = ConfigLoader.load(CONFIG_DIRECTORY.resolve(name), Map.of());
        if (result instanceof ConfigResult.Invalid invalid) {
            throw new AssertionError(name + " is invalid: " + List.copyOf(invalid.problems()));
        }
        return ((ConfigResult.Valid) result).config();
    }
}
