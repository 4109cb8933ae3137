package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.REQUIRED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.config.validate.ConfigProblem;
import dev.portcullis.net.Cidr;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir Path directory;

    @Test
    void parse_fullFile_bindsEverySection() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 0.0.0.0:8443
                  - name: local
                    bind: 127.0.0.1:8080
                server:
                  event_loop_threads: 2
                  transport: epoll
                client_ip:
                  trusted_proxies: [10.0.0.0/8]
                limits:
                  max_connections: 5000
                  max_connections_per_ip: 50
                  max_request_line: 4KiB
                  max_header_bytes: 8KiB
                  max_headers: 64
                  max_body_bytes: 1MiB
                  header_timeout: 5s
                  idle_timeout: 30s
                upstreams:
                  - name: app
                    balance: p2c
                    backends:
                      - url: http://10.0.0.1:3000
                        weight: 2
                      - url: http://10.0.0.2:3000
                    retries: 2
                    timeouts:
                      connect: 1s
                      response_header: 10s
                      idle: 20s
                    pool:
                      max_idle_per_loop: 8
                      idle_timeout: 4s
                routes:
                  - name: web
                    host: app.example.com
                    path_prefix: /
                    upstream: app
                admin:
                  enabled: true
                  bind: 127.0.0.1:9000
                logging:
                  access_log: off
                """;

        ConfigResult result = ConfigLoader.parse(yaml, "full.yaml", Map.of());

        ProxyConfig expected =
                new ProxyConfig(
                        List.of(
                                new ListenerConfig("public", new BindAddress("0.0.0.0", 8443)),
                                new ListenerConfig("local", new BindAddress("127.0.0.1", 8080))),
                        new ServerConfig(2, TransportChoice.EPOLL),
                        new ClientIpConfig(List.of(Cidr.parse("10.0.0.0/8"))),
                        new LimitsConfig(
                                5000,
                                50,
                                ByteSize.ofKibibytes(4),
                                ByteSize.ofKibibytes(8),
                                64,
                                ByteSize.ofMebibytes(1),
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(30)),
                        List.of(
                                new UpstreamConfig(
                                        "app",
                                        BalancePolicy.P2C,
                                        List.of(
                                                new BackendConfig(
                                                        URI.create("http://10.0.0.1:3000"), 2),
                                                new BackendConfig(
                                                        URI.create("http://10.0.0.2:3000"), 1)),
                                        2,
                                        new UpstreamTimeouts(
                                                Duration.ofSeconds(1),
                                                Duration.ofSeconds(10),
                                                Duration.ofSeconds(20)),
                                        new PoolConfig(8, Duration.ofSeconds(4)))),
                        List.of(new RouteConfig("web", "app.example.com", "/", "app")),
                        new AdminConfig(new BindAddress("127.0.0.1", 9000)),
                        new LoggingConfig(AccessLogFormat.OFF));
        assertThat(result).isEqualTo(new ConfigResult.Valid(expected));
    }

    @Test
    void load_validFile_isValid() throws IOException {
        Path file = Files.writeString(directory.resolve("portcullis.yaml"), REQUIRED);

        assertThat(ConfigLoader.load(file, Map.of())).isInstanceOf(ConfigResult.Valid.class);
    }

    @Test
    void load_relativeFileNames_areResolvedAgainstTheFilesDirectory() throws IOException {
        String yaml =
                """
                listeners:
                  - name: secure
                    bind: 127.0.0.1:8443
                    tls:
                      certificates:
                        - cert_file: tls/site.crt
                          key_file: ../keys/site.key
                upstreams:
                  - name: app
                    backends:
                      - url: https://127.0.0.1:3000
                    tls:
                      ca_file: backend-ca.crt
                routes:
                  - upstream: app
                """;
        Path configDirectory = Files.createDirectories(directory.resolve("etc"));
        Path file = Files.writeString(configDirectory.resolve("portcullis.yaml"), yaml);

        ConfigResult result = ConfigLoader.load(file, Map.of());

        assertThat(result).isInstanceOf(ConfigResult.Valid.class);
        ProxyConfig config = ((ConfigResult.Valid) result).config();
        TlsConfig tls = Objects.requireNonNull(config.listeners().get(0).tls());
        assertThat(tls.certificates().get(0).certFile())
                .isEqualTo(configDirectory.resolve("tls/site.crt"));
        assertThat(tls.certificates().get(0).keyFile())
                .isEqualTo(directory.resolve("keys/site.key"));
        assertThat(config.upstreams().get(0).tls().caFile())
                .isEqualTo(configDirectory.resolve("backend-ca.crt"));
    }

    @Test
    void load_relativeFileGivenRelatively_stillResolvesToAnAbsolutePath() {
        Path configDirectory = Path.of("..", "config");
        Path file = configDirectory.resolve("demo.yaml");

        ConfigResult result = ConfigLoader.load(file, Map.of("PORTCULLIS_DEMO_TLS_DIR", "tls"));

        assertThat(result).isInstanceOf(ConfigResult.Valid.class);
        TlsConfig tls =
                Objects.requireNonNull(
                        ((ConfigResult.Valid) result).config().listeners().get(1).tls());
        assertThat(tls.certificates().get(0).certFile())
                .isEqualTo(configDirectory.toAbsolutePath().resolve("tls/demo.crt").normalize())
                .isAbsolute();
    }

    @Test
    void load_missingFile_isOneProblemNamingTheFile() {
        Path file = directory.resolve("missing.yaml");

        assertThat(ConfigLoader.load(file, Map.of()))
                .isEqualTo(
                        invalid("cannot read configuration file \"" + file + "\": no such file"));
    }

    @Test
    void load_directory_isOneProblemNamingIt() {
        ConfigResult result = ConfigLoader.load(directory, Map.of());

        assertThat(problems(result))
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.path()).isEmpty();
                            assertThat(problem.line()).isZero();
                            assertThat(problem.message())
                                    .startsWith(
                                            "cannot read configuration file \""
                                                    + directory
                                                    + "\": ");
                        });
    }

    @Test
    void load_fileOverOneMebibyte_isRefused() throws IOException {
        Path file = directory.resolve("big.yaml");
        Files.writeString(file, REQUIRED + "#".repeat(ConfigLoader.MAX_BYTES));

        assertThat(ConfigLoader.load(file, Map.of()))
                .isEqualTo(
                        invalid(
                                "configuration \""
                                        + file
                                        + "\" is larger than the limit of 1 MiB"));
    }

    @Test
    void load_fileOfExactlyOneMebibyte_isRead() throws IOException {
        Path file = directory.resolve("full.yaml");
        String padding = "#".repeat(ConfigLoader.MAX_BYTES - REQUIRED.length() - 1) + "\n";
        Files.writeString(file, REQUIRED + padding);

        assertThat(Files.size(file)).isEqualTo(ConfigLoader.MAX_BYTES);
        assertThat(ConfigLoader.load(file, Map.of())).isInstanceOf(ConfigResult.Valid.class);
    }

    @Test
    void load_notUtf8_isRefused() throws IOException {
        Path file = directory.resolve("latin1.yaml");
        Files.write(file, "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(ConfigLoader.load(file, Map.of()))
                .isEqualTo(invalid("configuration file \"" + file + "\" is not UTF-8 text"));
    }

    @Test
    void load_byteOrderMark_isIgnored() throws IOException {
        Path file = Files.writeString(directory.resolve("bom.yaml"), "\uFEFF" + REQUIRED);

        assertThat(ConfigLoader.load(file, Map.of())).isInstanceOf(ConfigResult.Valid.class);
    }

    @Test
    void parse_textOverOneMebibyteInUtf8_isRefusedUnderItsSourceName() {
        String yaml = REQUIRED + "# " + "\u00e9".repeat(ConfigLoader.MAX_BYTES / 2);

        assertThat(ConfigLoader.parse(yaml, "inline", Map.of()))
                .isEqualTo(invalid("configuration \"inline\" is larger than the limit of 1 MiB"));
    }

    @Test
    void parse_syntaxError_stopsThereWithOneProblem() {
        assertThat(problems(ConfigLoader.parse("listeners: [\n", "broken.yaml", Map.of())))
                .extracting(ConfigProblem::line)
                .containsExactly(2);
    }

    @Test
    void parse_readerProblem_isReportedWithTheBindersProblems() {
        String yaml = "limits:\n  max_headers: 10\n  max_headers: 20\n  idle_timeout: 1\n";

        assertThat(problems(ConfigLoader.parse(yaml + REQUIRED, "t.yaml", Map.of())))
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        "limits.max_headers (line 3): duplicate key; first given on line 2",
                        "limits.idle_timeout (line 4): a duration needs a unit, e.g. 10s: \"1\"");
    }

    private static ConfigResult invalid(String message) {
        return new ConfigResult.Invalid(List.of(new ConfigProblem("", 0, message)));
    }

    private static List<ConfigProblem> problems(ConfigResult result) {
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        return ((ConfigResult.Invalid) result).problems();
    }
}
