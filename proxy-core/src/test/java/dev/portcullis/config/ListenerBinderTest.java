package dev.portcullis.config;

import static dev.portcullis.config.ConfigTesting.ROUTES;
import static dev.portcullis.config.ConfigTesting.UPSTREAMS;
import static dev.portcullis.config.ConfigTesting.problems;
import static dev.portcullis.config.ConfigTesting.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenerBinderTest {

    /** A TLS listener with one certificate, 7 lines; the tls section starts on line 5. */
    private static final String TLS_LISTENER =
            """
            listeners:
              - name: secure
                bind: 127.0.0.1:8443
                tls:
                  certificates:
                    - cert_file: /etc/tls/site.crt
                      key_file: /etc/tls/site.key
            """;

    @Test
    void bind_listeners_bindsNameAndAddressInOrder() {
        ProxyConfig config =
                valid(
                        """
                        listeners:
                          - name: public
                            bind: 0.0.0.0:8080
                          - name: internal-v6
                            bind: "[::1]:8081"
                        """
                                + UPSTREAMS
                                + ROUTES);

        assertThat(config.listeners())
                .containsExactly(
                        new ListenerConfig("public", new BindAddress("0.0.0.0", 8080)),
                        new ListenerConfig("internal-v6", new BindAddress("::1", 8081)));
    }

    @Test
    void bind_noListenersKey_isAProblemWithoutALine() {
        assertThat(problems(UPSTREAMS + ROUTES))
                .containsExactly("listeners: required key is missing");
    }

    @Test
    void bind_emptyList_needsAtLeastOne() {
        assertThat(problems("listeners: []\n" + UPSTREAMS + ROUTES))
                .containsExactly("listeners (line 1): needs at least one listener");
    }

    @Test
    void bind_listenerWithoutNameAndBind_reportsBothAtTheItem() {
        assertThat(problems("listeners:\n  - {}\n" + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].bind (line 2): required key is missing",
                        "listeners[0].name (line 2): required key is missing");
    }

    @Test
    void bind_badName_isAProblemAtTheName() {
        String yaml =
                """
                listeners:
                  - name: Public
                    bind: 127.0.0.1:8080
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].name (line 2): a name must be lower-case letters, digits,"
                                + " '_' and '-', starting with a letter or digit: \"Public\"");
    }

    @Test
    void bind_badBind_isAProblemAtTheBind() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 127.0.0.1:80800
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].bind (line 3): the port must be a number from 0 to 65535:"
                                + " \"127.0.0.1:80800\"");
    }

    @Test
    void bind_itemNotAMapping_isAProblemAtTheItem() {
        assertThat(problems("listeners:\n  - public\n" + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0] (line 2): each listener must be a mapping of keys to values,"
                                + " not a value (\"public\")");
    }

    @Test
    void bind_listenersAsMapping_mustBeAList() {
        assertThat(problems("listeners:\n  name: public\n" + UPSTREAMS + ROUTES))
                .containsExactly("listeners (line 2): must be a list, not a mapping");
    }

    @Test
    void bind_unknownKey_suggestsTheNearest() {
        String yaml =
                """
                listeners:
                  - name: public
                    bnd: 127.0.0.1:8080
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].bind (line 2): required key is missing",
                        "listeners[0].bnd (line 3): unknown key; did you mean bind?");
    }

    @Test
    void bind_duplicateName_isAProblemAtTheSecond() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 127.0.0.1:8080
                  - name: public
                    bind: 127.0.0.1:8081
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[1].name (line 4): duplicate name \"public\"; already used at"
                                + " listeners[0].name (line 2)");
    }

    @Test
    void bind_samePortOnWildcardAndOneAddress_isAProblemAtTheSecond() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 0.0.0.0:8080
                  - name: local
                    bind: 127.0.0.1:8080
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[1].bind (line 5): port 8080 is already taken by"
                                + " listeners[0].bind (line 3): \"127.0.0.1:8080\" overlaps"
                                + " \"0.0.0.0:8080\"");
    }

    @Test
    void bind_samePortOnIpv6Wildcard_isAProblem() {
        String yaml =
                """
                listeners:
                  - name: local
                    bind: 127.0.0.1:8080
                  - name: public
                    bind: "[::]:8080"
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[1].bind (line 5): port 8080 is already taken by"
                                + " listeners[0].bind (line 3): \"[::]:8080\" overlaps"
                                + " \"127.0.0.1:8080\"");
    }

    @Test
    void bind_sameAddressWrittenDifferently_isAProblem() {
        String yaml =
                """
                listeners:
                  - name: one
                    bind: "[::1]:8080"
                  - name: two
                    bind: "[0:0:0:0:0:0:0:1]:8080"
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .singleElement()
                .asString()
                .startsWith("listeners[1].bind (line 5): port 8080 is already taken by");
    }

    @Test
    void bind_samePortOnDifferentAddresses_isValid() {
        String yaml =
                """
                listeners:
                  - name: one
                    bind: 127.0.0.1:8080
                  - name: two
                    bind: 10.0.0.1:8080
                """;

        assertThat(valid(yaml + UPSTREAMS + ROUTES).listeners()).hasSize(2);
    }

    @Test
    void bind_portZeroTwice_isValid() {
        String yaml =
                """
                listeners:
                  - name: one
                    bind: 0.0.0.0:0
                  - name: two
                    bind: 0.0.0.0:0
                """;

        assertThat(valid(yaml + UPSTREAMS + ROUTES).listeners()).hasSize(2);
    }

    @Test
    void bind_tlsWithEveryKey_bindsTheTlsSettings() {
        String yaml =
                """
                listeners:
                  - name: secure
                    bind: 127.0.0.1:8443
                    tls:
                      certificates:
                        - cert_file: /etc/tls/site.crt
                          key_file: /etc/tls/site.key
                          key_password: s3cret
                        - cert_file: /etc/tls/other.pem
                          key_file: /etc/tls/other.pem
                      client_auth: require
                      client_ca_file: /etc/tls/clients.crt
                      http2: false
                """;

        ListenerConfig listener = valid(yaml + UPSTREAMS + ROUTES).listeners().get(0);

        assertThat(listener.tls())
                .isEqualTo(
                        new TlsConfig(
                                List.of(
                                        new CertificateConfig(
                                                Path.of("/etc/tls/site.crt"),
                                                Path.of("/etc/tls/site.key"),
                                                "s3cret"),
                                        new CertificateConfig(
                                                Path.of("/etc/tls/other.pem"),
                                                Path.of("/etc/tls/other.pem"),
                                                null)),
                                ClientAuthMode.REQUIRE,
                                Path.of("/etc/tls/clients.crt"),
                                false));
    }

    @Test
    void bind_tlsWithOnlyACertificate_takesTheDefaults() {
        ListenerConfig listener = valid(TLS_LISTENER + UPSTREAMS + ROUTES).listeners().get(0);

        assertThat(listener.tls())
                .isEqualTo(
                        new TlsConfig(
                                List.of(
                                        new CertificateConfig(
                                                Path.of("/etc/tls/site.crt"),
                                                Path.of("/etc/tls/site.key"),
                                                null)),
                                ClientAuthMode.NONE,
                                null,
                                true));
    }

    @Test
    void bind_noTls_isAPlainHttp1Listener() {
        ListenerConfig listener = valid(ConfigTesting.REQUIRED).listeners().get(0);

        assertThat(listener.tls()).isNull();
        assertThat(listener.h2c()).isFalse();
        assertThat(listener.redirectHttps()).isFalse();
    }

    @Test
    void bind_relativeCertificatePath_isResolvedAgainstTheWorkingDirectoryWithoutAFile() {
        String yaml =
                """
                listeners:
                  - name: secure
                    bind: 127.0.0.1:8443
                    tls:
                      certificates:
                        - cert_file: tls/site.crt
                          key_file: ./tls/../site.key
                """;

        TlsConfig tls =
                Objects.requireNonNull(valid(yaml + UPSTREAMS + ROUTES).listeners().get(0).tls());

        Path workingDirectory = Path.of("").toAbsolutePath();
        assertThat(tls.certificates().get(0).certFile())
                .isEqualTo(workingDirectory.resolve("tls/site.crt"));
        assertThat(tls.certificates().get(0).keyFile())
                .isEqualTo(workingDirectory.resolve("site.key"));
    }

    @Test
    void bind_emptyKeyPassword_isNoPassword() {
        String yaml =
                TLS_LISTENER.replace(
                        "key_file: /etc/tls/site.key",
                        "key_file: /etc/tls/site.key\n          key_password: ${KEY_PASSWORD:-}");

        TlsConfig tls =
                Objects.requireNonNull(valid(yaml + UPSTREAMS + ROUTES).listeners().get(0).tls());
        assertThat(tls.certificates().get(0).keyPassword()).isNull();
    }

    @Test
    void bind_tlsWithoutCertificates_isAProblemAtTheTlsSection() {
        String yaml =
                """
                listeners:
                  - name: secure
                    bind: 127.0.0.1:8443
                    tls:
                      http2: true
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly("listeners[0].tls.certificates (line 5): required key is missing");
    }

    @Test
    void bind_emptyTls_isAProblemAtTheTlsKey() {
        String yaml =
                """
                listeners:
                  - name: secure
                    bind: 127.0.0.1:8443
                    tls:
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly("listeners[0].tls.certificates (line 4): required key is missing");
    }

    @Test
    void bind_emptyCertificates_needsAtLeastOne() {
        String yaml =
                """
                listeners:
                  - name: secure
                    bind: 127.0.0.1:8443
                    tls:
                      certificates: []
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].tls.certificates (line 5): needs at least one certificate");
    }

    @Test
    void bind_certificateWithoutFiles_reportsBothAtTheItem() {
        String yaml =
                """
                listeners:
                  - name: secure
                    bind: 127.0.0.1:8443
                    tls:
                      certificates:
                        - key_password: x
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].tls.certificates[0].cert_file (line 6): required key is"
                                + " missing",
                        "listeners[0].tls.certificates[0].key_file (line 6): required key is"
                                + " missing");
    }

    @Test
    void bind_misspeltTlsKey_suggestsTheNearest() {
        String yaml = TLS_LISTENER + "      client_atuh: require\n";

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].tls.client_atuh (line 8): unknown key; did you mean"
                                + " client_auth?");
    }

    @Test
    void bind_unknownClientAuth_listsTheChoices() {
        String yaml = TLS_LISTENER + "      client_auth: required\n";

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].tls.client_auth (line 8): must be one of none, optional,"
                                + " require: \"required\"; did you mean require?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"optional", "require"})
    void bind_clientAuthWithoutCaFile_isAProblemAtTheTlsSection(String mode) {
        String yaml = TLS_LISTENER + "      client_auth: " + mode + "\n";

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].tls.client_ca_file (line 5): required when client_auth is "
                                + mode
                                + ": client certificates are verified against the CA"
                                + " certificates in it");
    }

    @Test
    void bind_optionalClientAuthWithCaFile_isBound() {
        String yaml =
                TLS_LISTENER
                        + "      client_auth: optional\n"
                        + "      client_ca_file: /etc/tls/clients.crt\n";

        TlsConfig tls =
                Objects.requireNonNull(valid(yaml + UPSTREAMS + ROUTES).listeners().get(0).tls());
        assertThat(tls.clientAuth()).isEqualTo(ClientAuthMode.OPTIONAL);
        assertThat(tls.clientCaFile()).isEqualTo(Path.of("/etc/tls/clients.crt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "      client_auth: none\n"})
    void bind_caFileWithoutClientAuth_isAProblemAtTheCaFile(String clientAuth) {
        String yaml = TLS_LISTENER + clientAuth + "      client_ca_file: /etc/tls/clients.crt\n";
        int line = clientAuth.isEmpty() ? 8 : 9;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].tls.client_ca_file (line "
                                + line
                                + "): only with client_auth optional or require; with client_auth"
                                + " none no client certificate is asked for");
    }

    @Test
    void bind_http2NotABoolean_isAProblem() {
        assertThat(problems(TLS_LISTENER + "      http2: yes\n" + UPSTREAMS + ROUTES))
                .containsExactly("listeners[0].tls.http2 (line 8): must be true or false: \"yes\"");
    }

    @Test
    void bind_h2cAndRedirectOnPlainListeners_areBound() {
        String yaml =
                TLS_LISTENER
                        + """
                          - name: cleartext-h2
                            bind: 127.0.0.1:8081
                            h2c: true
                          - name: redirect
                            bind: 127.0.0.1:8080
                            redirect_https: true
                        """;

        List<ListenerConfig> listeners = valid(yaml + UPSTREAMS + ROUTES).listeners();

        assertThat(listeners.get(1))
                .isEqualTo(
                        new ListenerConfig(
                                "cleartext-h2",
                                new BindAddress("127.0.0.1", 8081),
                                null,
                                true,
                                false));
        assertThat(listeners.get(2))
                .isEqualTo(
                        new ListenerConfig(
                                "redirect", new BindAddress("127.0.0.1", 8080), null, false, true));
    }

    @Test
    void bind_tlsWithH2c_isAProblemAtH2c() {
        String yaml = TLS_LISTENER.replace("    tls:\n", "    h2c: true\n    tls:\n");

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].h2c (line 4): only on a plain listener; this listener has"
                                + " tls at listeners[0].tls (line 6); HTTP/2 over TLS is"
                                + " tls.http2");
    }

    @Test
    void bind_tlsWithRedirectHttps_isAProblemAtTheRedirect() {
        String yaml = TLS_LISTENER + "    redirect_https: true\n";

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].redirect_https (line 8): only on a plain listener; this"
                                + " listener has tls at listeners[0].tls (line 5)");
    }

    @Test
    void bind_tlsWithSwitchesWrittenOff_isValid() {
        String yaml = TLS_LISTENER + "    h2c: false\n    redirect_https: false\n";

        assertThat(valid(yaml + UPSTREAMS + ROUTES).listeners().get(0).tls()).isNotNull();
    }

    @Test
    void bind_redirectWithoutATlsListener_saysThereIsNothingToRedirectTo() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 127.0.0.1:8080
                    redirect_https: true
                """;

        assertThat(problems(yaml + UPSTREAMS + ROUTES))
                .containsExactly(
                        "listeners[0].redirect_https (line 4): no TLS listener to redirect to;"
                                + " give a listener a tls section, or leave redirect_https out");
    }

    @Test
    void bind_redirectWithALaterTlsListener_isValid() {
        String yaml =
                """
                listeners:
                  - name: public
                    bind: 127.0.0.1:8080
                    redirect_https: true
                """
                        + TLS_LISTENER.replace("listeners:\n", "");

        assertThat(valid(yaml + UPSTREAMS + ROUTES).listeners().get(0).redirectHttps()).isTrue();
    }
}
