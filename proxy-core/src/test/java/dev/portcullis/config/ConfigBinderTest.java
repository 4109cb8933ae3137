package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.LISTENERS;
import static dev.portcullis.config.ConfigTesting.REQUIRED;
import static dev.portcullis.config.ConfigTesting.ROUTES;
import static dev.portcullis.config.ConfigTesting.UPSTREAMS;
import static dev.portcullis.config.ConfigTesting.problems;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.net.Cidr;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigBinderTest {

    @Test
    void bind_emptyDocument_reportsEachRequiredSection() {
        assertThat(problems("# nothing yet\n"))
                .containsExactly(
                        "listeners: required key is missing",
                        "routes: required key is missing",
                        "upstreams: required key is missing");
    }

    @Test
    void bind_documentIsAList_mustBeAMapping() {
        assertThat(problems("- listeners\n"))
                .startsWith("listeners: required key is missing")
                .contains("line 1: must be a mapping of keys to values, not a list");
    }

    @Test
    void bind_unknownSection_suggestsTheNearest() {
        assertThat(problems("limit:\n  max_headers: 5\n" + REQUIRED))
                .containsExactly("limit (line 1): unknown key; did you mean limits?");
    }

    @Test
    void bind_noOptionalSections_givesEveryDefault() {
        ProxyConfig config = valid(REQUIRED);

        assertThat(config.server()).isEqualTo(ServerConfig.defaults());
        assertThat(config.clientIp()).isEqualTo(ClientIpConfig.defaults());
        assertThat(config.limits()).isEqualTo(LimitsConfig.defaults());
        assertThat(config.admin()).isEqualTo(AdminConfig.defaults());
        assertThat(config.logging()).isEqualTo(LoggingConfig.defaults());
    }

    @Test
    void bind_emptyOptionalSections_giveEveryDefault() {
        String yaml = "server:\nclient_ip: {}\nlimits: ~\nadmin:\nlogging:\n";

        ProxyConfig config = valid(yaml + REQUIRED);

        assertThat(config.server()).isEqualTo(ServerConfig.defaults());
        assertThat(config.clientIp()).isEqualTo(ClientIpConfig.defaults());
        assertThat(config.limits()).isEqualTo(LimitsConfig.defaults());
        assertThat(config.admin()).isEqualTo(AdminConfig.defaults());
        assertThat(config.logging()).isEqualTo(LoggingConfig.defaults());
    }

    @Test
    void defaults_ofSmallSections_areTheDocumentedValues() {
        assertThat(ServerConfig.defaults())
                .isEqualTo(new ServerConfig(0, TransportChoice.AUTO, Duration.ofSeconds(30), true));
        assertThat(ClientIpConfig.defaults().trustedProxies()).isEmpty();
        assertThat(AdminConfig.defaults())
                .isEqualTo(new AdminConfig(new BindAddress("127.0.0.1", 9901), null));
        assertThat(LoggingConfig.defaults().accessLog()).isEqualTo(AccessLogFormat.JSON);
    }

    @Test
    void bind_server_bindsThreadsAndTransport() {
        String yaml = "server:\n  event_loop_threads: 4\n  transport: nio\n";

        assertThat(valid(yaml + REQUIRED).server())
                .isEqualTo(new ServerConfig(4, TransportChoice.NIO));
    }

    @Test
    void bind_server_bindsDrainTimeoutAndWatchConfig() {
        String yaml = "server:\n  drain_timeout: 10m\n  watch_config: false\n";

        ServerConfig server = valid(yaml + REQUIRED).server();

        assertThat(server.drainTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(server.watchConfig()).isFalse();
    }

    @Test
    void bind_zeroDrainTimeout_isAccepted() {
        assertThat(valid("server:\n  drain_timeout: 0s\n" + REQUIRED).server().drainTimeout())
                .isZero();
    }

    @Test
    void bind_drainTimeoutOverTenMinutes_isAProblem() {
        assertThat(problems("server:\n  drain_timeout: 11m\n" + REQUIRED))
                .containsExactly("server.drain_timeout (line 2): must be from 0s to 10m: \"11m\"");
    }

    @Test
    void bind_watchConfigNotABoolean_isAProblem() {
        assertThat(problems("server:\n  watch_config: on\n" + REQUIRED))
                .containsExactly("server.watch_config (line 2): must be true or false: \"on\"");
    }

    @Test
    void bind_negativeThreads_isAProblem() {
        assertThat(problems("server:\n  event_loop_threads: -1\n" + REQUIRED))
                .containsExactly(
                        "server.event_loop_threads (line 2): must be from 0 to 1024: \"-1\"");
    }

    @Test
    void bind_unknownTransport_listsTheChoices() {
        assertThat(problems("server:\n  transport: epol\n" + REQUIRED))
                .containsExactly(
                        "server.transport (line 2): must be one of auto, epoll, nio: \"epol\"; did"
                                + " you mean epoll?");
    }

    @Test
    void bind_trustedProxies_bindsEachBlock() {
        String yaml = "client_ip:\n  trusted_proxies: [10.0.0.0/8, \"2001:db8::/32\", 127.0.0.1]\n";

        assertThat(valid(yaml + REQUIRED).clientIp().trustedProxies())
                .containsExactly(
                        Cidr.parse("10.0.0.0/8"),
                        Cidr.parse("2001:db8::/32"),
                        Cidr.parse("127.0.0.1"));
    }

    @Test
    void bind_badTrustedProxy_isAProblemAtItsItem() {
        String yaml =
                """
                client_ip:
                  trusted_proxies:
                    - 10.0.0.0/8
                    - 10.0.0.1/8
                """;

        assertThat(problems(yaml + REQUIRED))
                .containsExactly(
                        "client_ip.trusted_proxies[1] (line 4): host bits are set; the block is"
                                + " 10.0.0.0/8: \"10.0.0.1/8\"");
    }

    @Test
    void bind_trustedProxiesAsOneValue_mustBeAList() {
        assertThat(problems("client_ip:\n  trusted_proxies: 10.0.0.0/8\n" + REQUIRED))
                .containsExactly(
                        "client_ip.trusted_proxies (line 2): must be a list, not a value"
                                + " (\"10.0.0.0/8\")");
    }

    @Test
    void bind_trustedProxyAsMapping_isAProblemAtItsItem() {
        assertThat(
                        problems(
                                "client_ip:\n  trusted_proxies:\n    - {cidr: 10.0.0.0/8}\n"
                                        + REQUIRED))
                .containsExactly(
                        "client_ip.trusted_proxies[0] (line 3): must be a single value, not a"
                                + " mapping");
    }

    @Test
    void bind_adminDisabled_hasNoBind() {
        assertThat(valid("admin:\n  enabled: false\n" + REQUIRED).admin().bind()).isNull();
    }

    @Test
    void bind_adminBind_isUsed() {
        assertThat(valid("admin:\n  bind: \"[::1]:9000\"\n" + REQUIRED).admin().bind())
                .isEqualTo(new BindAddress("::1", 9000));
    }

    @Test
    void bind_adminToken_isBound() {
        assertThat(valid("admin:\n  token: s3cr3t-t0ken\n" + REQUIRED).admin().token())
                .isEqualTo("s3cr3t-t0ken");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "~", "${ADMIN_TOKEN:-}"})
    void bind_emptyAdminToken_isNoToken(String token) {
        assertThat(valid("admin:\n  token: " + token + "\n" + REQUIRED).admin().token()).isNull();
    }

    @Test
    void bind_adminTokenWithASpace_isAProblemThatDoesNotShowIt() {
        assertThat(problems("admin:\n  token: \"open sesame\"\n" + REQUIRED))
                .containsExactly(
                        "admin.token (line 2): must be visible ASCII characters without spaces"
                                + " (the value is not shown, as it is a secret)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0:9901", "\"[::]:9901\"", "10.0.0.5:9901"})
    void bind_adminOutsideLoopbackWithoutToken_isAProblemAtTheBind(String bind) {
        assertThat(problems("admin:\n  bind: " + bind + "\n" + REQUIRED))
                .singleElement()
                .asString()
                .startsWith(
                        "admin.bind (line 2): an admin listener outside loopback needs"
                                + " admin.token: \"");
    }

    @Test
    void bind_adminOutsideLoopbackWithToken_isValid() {
        String yaml = "admin:\n  bind: 0.0.0.0:9901\n  token: ${ADMIN_TOKEN}\n";

        AdminConfig admin = valid(yaml + REQUIRED, Map.of("ADMIN_TOKEN", "abc123")).admin();

        assertThat(admin).isEqualTo(new AdminConfig(new BindAddress("0.0.0.0", 9901), "abc123"));
    }

    @Test
    void bind_adminOutsideLoopbackWithEmptyToken_isAProblem() {
        String yaml = "admin:\n  bind: 0.0.0.0:9901\n  token: \"${ADMIN_TOKEN:-}\"\n";

        assertThat(problems(yaml + REQUIRED))
                .containsExactly(
                        "admin.bind (line 2): an admin listener outside loopback needs"
                                + " admin.token: \"0.0.0.0:9901\"");
    }

    @Test
    void bind_adminOutsideLoopbackWithRefusedToken_reportsOnlyTheToken() {
        String yaml = "admin:\n  bind: 0.0.0.0:9901\n  token: \"a b\"\n";

        assertThat(problems(yaml + REQUIRED))
                .singleElement()
                .asString()
                .startsWith("admin.token (line 3): ");
    }

    @Test
    void bind_disabledAdminOutsideLoopbackWithoutToken_isValid() {
        String yaml = "admin:\n  enabled: false\n  bind: 0.0.0.0:9901\n";

        assertThat(valid(yaml + REQUIRED).admin()).isEqualTo(new AdminConfig(null, null));
    }

    @Test
    void bind_adminEnabledNotABoolean_isAProblem() {
        assertThat(problems("admin:\n  enabled: yes\n" + REQUIRED))
                .containsExactly("admin.enabled (line 2): must be true or false: \"yes\"");
    }

    @Test
    void bind_adminOnAListenersPort_isAProblemAtTheAdminBind() {
        String yaml = "admin:\n  bind: 127.0.0.1:8080\n";

        assertThat(problems(yaml + REQUIRED))
                .containsExactly(
                        "admin.bind (line 2): port 8080 is already taken by listeners[0].bind (line"
                                + " 5): \"127.0.0.1:8080\" overlaps \"127.0.0.1:8080\"");
    }

    @Test
    void bind_defaultAdminBindOnAListenersPort_isAProblemWithoutALine() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 0.0.0.0:9901
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "admin.bind: port 9901 is already taken by listeners[0].bind (line 3):"
                                + " \"127.0.0.1:9901\" overlaps \"0.0.0.0:9901\"");
    }

    @Test
    void bind_disabledAdminOnAListenersPort_isValid() {
        String yaml = "admin:\n  enabled: false\n  bind: 127.0.0.1:8080\n";

        assertThat(valid(yaml + REQUIRED).admin().bind()).isNull();
    }

    @Test
    void bind_accessLog_bindsTheFormat() {
        assertThat(valid("logging:\n  access_log: combined\n" + REQUIRED).logging().accessLog())
                .isEqualTo(AccessLogFormat.COMBINED);
    }

    @Test
    void bind_unknownAccessLog_suggestsTheNearest() {
        assertThat(problems("logging:\n  access_log: jsno\n" + REQUIRED))
                .containsExactly(
                        "logging.access_log (line 2): must be one of json, combined, off: \"jsno\";"
                                + " did you mean json?");
    }

    @Test
    void bind_variableInAValue_isSubstitutedBeforeItIsParsed() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: "127.0.0.1:${PORT}"
                limits:
                  max_headers: ${MAX_HEADERS:-64}
                """;

        ProxyConfig config = valid(yaml + UPSTREAMS + ROUTES, Map.of("PORT", "9000"));

        assertThat(config.listeners().get(0).bind()).isEqualTo(new BindAddress("127.0.0.1", 9000));
        assertThat(config.limits().maxHeaders()).isEqualTo(64);
    }

    @Test
    void bind_unsetVariable_isAProblemAtItsPath() {
        assertThat(problems("limits:\n  max_headers: ${MAX_HEADERS}\n" + REQUIRED))
                .containsExactly(
                        "limits.max_headers (line 2): environment variable MAX_HEADERS is not set"
                                + " and has no default; write ${MAX_HEADERS:-value} to give one");
    }

    @Test
    void bind_variableHoldingYaml_staysOneValue() {
        String yaml = "limits:\n  max_headers: ${HEADERS}\n";

        assertThat(problems(yaml + REQUIRED, Map.of("HEADERS", "5\n  max_body_bytes: 0")))
                .containsExactly(
                        "limits.max_headers (line 2): not a whole number: \"5\\n  max_body_bytes:"
                                + " 0\"");
    }

    @Test
    void bind_doubleDollar_isALiteralDollar() {
        String yaml = "routes:\n  - path_prefix: /price$$\n    upstream: app\n";

        assertThat(valid(yaml + LISTENERS + UPSTREAMS).routes().get(0).pathPrefix())
                .isEqualTo("/price$");
    }

    @Test
    void bind_problemsInSeveralSections_reportsEveryOneSortedByLine() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 0.0.0.0:8080
                  - name: public
                    bind: 0.0.0.0:8080
                limits:
                  max_conections: 5
                  header_timeout: 10
                upstreams:
                  - name: app
                    balance: fastest
                    backends:
                      - url: http://127.0.0.1:3000
                      - url: ftp://x
                routes:
                  - upstream: apps
                admin:
                  enabled: maybe
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "listeners[1].name (line 4): duplicate name \"public\"; already used at"
                                + " listeners[0].name (line 2)",
                        "listeners[1].bind (line 5): port 8080 is already taken by"
                                + " listeners[0].bind (line 3): \"0.0.0.0:8080\" overlaps"
                                + " \"0.0.0.0:8080\"",
                        "limits.max_conections (line 7): unknown key; did you mean"
                                + " max_connections?",
                        "limits.header_timeout (line 8): a duration needs a unit, e.g. 10s:"
                                + " \"10\"",
                        "upstreams[0].balance (line 11): must be one of round_robin,"
                                + " least_connections, p2c: \"fastest\"",
                        "upstreams[0].backends[1].url (line 14): not an http or https URL:"
                                + " \"ftp://x\"",
                        "routes[0].upstream (line 16): unknown upstream \"apps\"; known"
                                + " upstreams: app",
                        "admin.enabled (line 18): must be true or false: \"maybe\"");
    }
}
