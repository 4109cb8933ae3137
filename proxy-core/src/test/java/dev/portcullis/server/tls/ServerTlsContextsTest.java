package dev.portcullis.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestCertificates.Authority;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, the SNI mapping and configuration errors, without sockets. */
class ServerTlsContextsTest {

    @TempDir static Path dir;

    private static Authority ca;
    private static CertificateConfig apex;
    private static CertificateConfig wildcard;

    @BeforeAll
    static void issue() {
        ca = new TestCertificates(dir).newAuthority("Mapping Test CA");
        apex = ca.server("example.test", "www.example.test").ips("192.0.2.7").issue().write();
        wildcard = ca.server("*.example.test").issue().write();
    }

    @Test
    void mapping_exactName_winsOverWildcard() throws Exception {
        try (ServerTlsContexts contexts = load(config(wildcard, apex))) {
            assertThat(contexts.mapping().map("www.example.test")).isSameAs(contextOf(contexts, 1));
            assertThat(contexts.mapping().map("api.example.test")).isSameAs(contextOf(contexts, 0));
        }
    }

    @Test
    void mapping_upperCaseAndTrailingDot_areIgnored() throws Exception {
        try (ServerTlsContexts contexts = load(config(wildcard, apex))) {
            assertThat(contexts.mapping().map("EXAMPLE.test.")).isSameAs(contextOf(contexts, 1));
        }
    }

    @Test
    void mapping_addressLiteral_selectsCertificateWithThatAddress() throws Exception {
        try (ServerTlsContexts contexts = load(config(wildcard, apex))) {
            assertThat(contexts.mapping().map("192.0.2.7")).isSameAs(contextOf(contexts, 1));
            assertThat(contexts.mapping().map("192.0.2.8")).isSameAs(contextOf(contexts, 0));
        }
    }

    @Test
    void mapping_noName_selectsFirstCertificate() throws Exception {
        try (ServerTlsContexts contexts = load(config(apex, wildcard))) {
            assertThat(contexts.mapping().map(null)).isSameAs(contextOf(contexts, 0));
        }
    }

    @Test
    void load_description_namesProviderAndProtocols() throws Exception {
        try (ServerTlsContexts contexts = load(config(apex))) {
            assertThat(contexts.description()).isEqualTo("SunJSSE (JDK provider), TLSv1.3 TLSv1.2");
        }
        assertThat(TlsPolicy.describe(SslProvider.OPENSSL_REFCNT))
                .isEqualTo("BoringSSL (OpenSSL provider), TLSv1.3 TLSv1.2");
    }

    @Test
    void load_files_listsEveryCertificateKeyAndCaFile() throws Exception {
        TlsConfig config =
                new TlsConfig(
                        List.of(apex, wildcard), ClientAuthMode.OPTIONAL, ca.certFile(), false);

        try (ServerTlsContexts contexts = load(config)) {
            assertThat(contexts.files())
                    .containsExactly(
                            apex.certFile(),
                            apex.keyFile(),
                            wildcard.certFile(),
                            wildcard.keyFile(),
                            ca.certFile());
        }
    }

    @Test
    void load_badSecondCertificate_namesItsIndex() {
        CertificateConfig missing =
                new CertificateConfig(dir.resolve("gone.crt"), apex.keyFile(), null);

        assertThatThrownBy(() -> load(config(apex, missing)))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("certificates[1].cert_file: " + missing.certFile() + " does not exist");
    }

    @Test
    void load_expiringCertificate_reportsWarningWithItsIndex() throws Exception {
        CertificateConfig soon =
                ca.server("soon.test").expiresIn(Duration.ofDays(3)).issue().write();

        try (ServerTlsContexts contexts = load(config(apex, soon))) {
            assertThat(contexts.warnings())
                    .extracting(TlsProblem::message)
                    .singleElement()
                    .asString()
                    .startsWith("certificates[1].cert_file: " + soon.certFile() + " expires at");
        }
    }

    @Test
    void load_noCertificates_isRefused() {
        assertThatThrownBy(() -> load(config()))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("certificates: is empty; list at least one");
    }

    @Test
    void load_clientAuthWithoutCaFile_isRefused() {
        TlsConfig config = new TlsConfig(List.of(apex), ClientAuthMode.REQUIRE, null, false);

        assertThatThrownBy(() -> load(config))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("client_auth: is require but client_ca_file is not set");
    }

    @Test
    void load_caFileWithoutClientAuth_isRefused() {
        TlsConfig config = new TlsConfig(List.of(apex), ClientAuthMode.NONE, ca.certFile(), false);

        assertThatThrownBy(() -> load(config))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("client_ca_file: is set but client_auth is none");
    }

    @Test
    void reload_afterClose_isRefused() throws Exception {
        ServerTlsContexts contexts = load(config(apex));
        contexts.close();

        assertThatThrownBy(contexts::reload)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("reload: the TLS contexts are closed");
    }

    private static TlsConfig config(CertificateConfig... certificates) {
        return new TlsConfig(List.of(certificates), ClientAuthMode.NONE, null, false);
    }

    private static ServerTlsContexts load(TlsConfig config) throws TlsConfigException {
        return ServerTlsContexts.load(config, SslProvider.JDK, Clock.systemUTC());
    }

    private static SslContext contextOf(ServerTlsContexts contexts, int index) {
        return contexts.context(index);
    }
}
