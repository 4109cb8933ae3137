package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.REQUIRED;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.config.validate.ConfigProblem;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration files shipped in {@code config/} at the root of the repository. */
class ReferenceConfigFilesTest {

    // Surefire runs in the module directory, one level below the repository root.
    private static final Path CONFIG_DIRECTORY = Path.of("..", "config");

    /** The first line of a section that is shown commented out, such as {@code " # tls:"}. */
    private static final Pattern COMMENTED_SECTION = Pattern.compile("( *)# ([a-z_]+):");

    @TempDir Path tlsDirectory;

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
        assertThat(upstream.tls()).isEqualTo(defaultUpstream.tls());
        assertThat(upstream.outlier()).isEqualTo(defaultUpstream.outlier());
        assertThat(upstream.circuitBreaker()).isEqualTo(defaultUpstream.circuitBreaker());
        assertThat(upstream.retryBudget()).isEqualTo(defaultUpstream.retryBudget());
        assertThat(upstream.dnsRefresh()).isEqualTo(defaultUpstream.dnsRefresh());
        assertThat(upstream.healthCheck()).isNull();
        assertThat(upstream.backends().get(0).weight())
                .isEqualTo(defaultUpstream.backends().get(0).weight());
        assertThat(reference.routes()).containsExactly(defaults.routes().get(0));
    }

    @Test
    void reference_listenerStatesTheDefaults() {
        ListenerConfig listener = load("portcullis.yaml").listeners().get(0);

        assertThat(listener)
                .isEqualTo(new ListenerConfig("public", new BindAddress("0.0.0.0", 8080)));
    }

    @Test
    void reference_commentedOutSections_areTheOnesThatAreOffByDefault() throws IOException {
        List<String> sections = new ArrayList<>();
        for (String line : referenceLines()) {
            Matcher start = COMMENTED_SECTION.matcher(line);
            if (start.matches()) {
                sections.add(start.group(2));
            }
        }

        assertThat(sections).containsExactly("tls", "health_check");
    }

    @Test
    void reference_commentedOutTls_statesTheDefaultsWhenUncommented() throws IOException {
        TlsConfig tls = Objects.requireNonNull(uncommentedReference().listeners().get(0).tls());
        assertThat(tls.certificates())
                .containsExactly(
                        new CertificateConfig(
                                Path.of("/etc/portcullis/tls/site.crt"),
                                Path.of("/etc/portcullis/tls/site.key"),
                                null));
        assertThat(tls.clientAuth()).isEqualTo(TlsConfig.DEFAULT_CLIENT_AUTH);
        assertThat(tls.clientCaFile()).isNull();
        assertThat(tls.http2()).isEqualTo(TlsConfig.DEFAULT_HTTP2);
    }

    @Test
    void reference_commentedOutHealthCheck_statesTheDefaultsWhenUncommented() throws IOException {
        assertThat(uncommentedReference().upstreams().get(0).healthCheck())
                .isEqualTo(HealthCheckConfig.defaults());
    }

    @Test
    void demo_loadsWithTheDemoSettings() {
        ProxyConfig demo = loadDemo();

        assertThat(demo.listeners()).hasSize(2);
        assertThat(demo.listeners().get(0))
                .isEqualTo(new ListenerConfig("public", new BindAddress("127.0.0.1", 8080)));
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
    void demo_secureListener_servesTheGeneratedCertificateWithHttp2() {
        ListenerConfig secure = loadDemo().listeners().get(1);

        assertThat(secure)
                .isEqualTo(
                        new ListenerConfig(
                                "secure",
                                new BindAddress("127.0.0.1", 8443),
                                new TlsConfig(
                                        List.of(
                                                new CertificateConfig(
                                                        tlsDirectory.resolve("demo.crt"),
                                                        tlsDirectory.resolve("demo.key"),
                                                        null)),
                                        ClientAuthMode.NONE,
                                        null,
                                        true),
                                false,
                                false));
    }

    @Test
    void demo_withoutTheTlsDirectory_namesTheVariable() {
        ConfigResult result = ConfigLoader.load(CONFIG_DIRECTORY.resolve("demo.yaml"), Map.of());

        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        List<ConfigProblem> problems = ((ConfigResult.Invalid) result).problems();
        assertThat(problems)
                .extracting(ConfigProblem::path)
                .containsExactly(
                        "listeners[1].tls.certificates[0].cert_file",
                        "listeners[1].tls.certificates[0].key_file");
        assertThat(problems)
                .allSatisfy(
                        problem ->
                                assertThat(problem.message())
                                        .contains("PORTCULLIS_DEMO_TLS_DIR is not set"));
    }

    @Test
    void demo_upstream_isHealthCheckedAndEjectsOutliers() {
        UpstreamConfig upstream = loadDemo().upstreams().get(0);

        HealthCheckConfig check = Objects.requireNonNull(upstream.healthCheck());
        assertThat(check.path()).isEqualTo("/");
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(upstream.outlier().enabled()).isTrue();
        assertThat(upstream.outlier()).isNotEqualTo(OutlierConfig.defaults());
    }

    @Test
    void demo_limitsAreLowEnoughToSee() {
        LimitsConfig limits = loadDemo().limits();

        assertThat(limits.maxBodyBytes()).isEqualTo(ByteSize.ofMebibytes(1));
        assertThat(limits.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limits.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limits.maxConnectionsPerIp()).isEqualTo(64);
        assertThat(limits.maxHeaders()).isEqualTo(64);
    }

    private ProxyConfig loadDemo() {
        return load("demo.yaml", Map.of("PORTCULLIS_DEMO_TLS_DIR", tlsDirectory.toString()));
    }

    private static ProxyConfig load(String name) {
        return load(name, Map.of());
    }

    private static List<String> referenceLines() throws IOException {
        return Files.readAllLines(
                CONFIG_DIRECTORY.resolve("portcullis.yaml"), StandardCharsets.UTF_8);
    }

    /**
     * The reference with its commented-out sections turned on the way the file says: one "# "
     * removed from the start of each of their lines. A section runs from its {@code # key:} line
     * over the lines commented at the same indentation that are indented further after the "#".
     */
    private static ProxyConfig uncommentedReference() throws IOException {
        StringBuilder yaml = new StringBuilder();
        String indent = null;
        for (String line : referenceLines()) {
            Matcher start = COMMENTED_SECTION.matcher(line);
            if (start.matches()) {
                indent = start.group(1);
            } else if (indent != null && !line.startsWith(indent + "#   ")) {
                indent = null;
            }
            String shown = indent == null ? line : indent + line.substring(indent.length() + 2);
            yaml.append(shown).append('\n');
        }
        return ConfigTesting.valid(yaml.toString());
    }

    private static ProxyConfig load(String name, Map<String, String> env) {
        ConfigResult result = ConfigLoader.load(CONFIG_DIRECTORY.resolve(name), env);
        if (result instanceof ConfigResult.Invalid invalid) {
            throw new AssertionError(name + " is invalid: " + List.copyOf(invalid.problems()));
        }
        return ((ConfigResult.Valid) result).config();
    }
}
