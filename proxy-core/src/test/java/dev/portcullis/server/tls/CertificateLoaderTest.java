package dev.portcullis.server.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestCertificates.Authority;
import dev.portcullis.testing.TestCertificates.Issued;
import dev.portcullis.testing.TestCertificates.KeyFormat;
import dev.portcullis.testing.TestCertificates.KeyType;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateLoaderTest {

    @TempDir static Path dir;

    private static TestCertificates certificates;
    private static Authority ca;
    private static Issued ecLeaf;
    private static Issued rsaLeaf;

    private final CertificateLoader loader = CertificateLoader.withSystemClock();

    @BeforeAll
    static void issue() {
        certificates = new TestCertificates(dir);
        ca = certificates.newAuthority("Loader Test CA");
        ecLeaf = ca.server("ec.test").issue();
        rsaLeaf = ca.server("rsa.test").keyType(KeyType.RSA).issue();
    }

    static Stream<Arguments> keyFormats() {
        return Stream.of(
                Arguments.of(KeyType.EC, KeyFormat.PKCS8, "-----BEGIN PRIVATE KEY-----"),
                Arguments.of(KeyType.EC, KeyFormat.SEC1, "-----BEGIN EC PRIVATE KEY-----"),
                Arguments.of(
                        KeyType.EC,
                        KeyFormat.ENCRYPTED_PKCS8,
                        "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
                Arguments.of(KeyType.EC, KeyFormat.ENCRYPTED_TRADITIONAL, "Proc-Type: 4,ENCRYPTED"),
                Arguments.of(KeyType.RSA, KeyFormat.PKCS8, "-----BEGIN PRIVATE KEY-----"),
                Arguments.of(KeyType.RSA, KeyFormat.PKCS1, "-----BEGIN RSA PRIVATE KEY-----"),
                Arguments.of(
                        KeyType.RSA,
                        KeyFormat.ENCRYPTED_PKCS8,
                        "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
                Arguments.of(
                        KeyType.RSA, KeyFormat.ENCRYPTED_TRADITIONAL, "Proc-Type: 4,ENCRYPTED"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("keyFormats")
    void load_keyInFormat_readsTheLeafKey(KeyType type, KeyFormat format, String pemMarker)
            throws Exception {
        Issued leaf = type == KeyType.EC ? ecLeaf : rsaLeaf;
        CertificateConfig config = leaf.write(format);
        assertThat(Files.readString(config.keyFile(), US_ASCII)).contains(pemMarker);

        LoadedCertificate loaded = loader.load(config);

        assertThat(privateValue(loaded.key())).isEqualTo(privateValue(leaf.key()));
        assertThat(loaded.leaf()).isEqualTo(leaf.certificate());
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void load_certificateWithNames_listsDnsNamesAndAddresses() throws Exception {
        Issued leaf =
                ca.server("Www.Example.test", "*.example.test").ips("127.0.0.1", "::1").issue();

        LoadedCertificate loaded = loader.load(leaf.write());

        assertThat(loaded.dnsNames()).containsExactly("www.example.test", "*.example.test");
        assertThat(loaded.ipAddresses())
                .containsExactly(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
        assertThat(loaded.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    }

    @Test
    void load_missingFiles_namesEachFileAndSetting() {
        Path cert = dir.resolve("absent.crt");
        Path key = dir.resolve("absent.key");

        assertProblems(
                new CertificateConfig(cert, key, null),
                problems ->
                        assertThat(problems)
                                .containsExactly(
                                        "cert_file: " + cert + " does not exist",
                                        "key_file: " + key + " does not exist"));
    }

    @Test
    void load_certFileWithoutCertificate_saysSo() throws IOException {
        CertificateConfig written = ecLeaf.write();
        CertificateConfig config =
                new CertificateConfig(written.keyFile(), written.keyFile(), null);

        assertProblems(
                config,
                problems ->
                        assertThat(problems)
                                .singleElement()
                                .asString()
                                .startsWith("cert_file: " + written.keyFile() + " holds no PEM"));
    }

    @Test
    void load_keyOfAnotherCertificate_reportsMismatch() {
        CertificateConfig ec = ecLeaf.write();
        CertificateConfig other = ca.server("other.test").issue().write();
        CertificateConfig mixed = new CertificateConfig(ec.certFile(), other.keyFile(), null);

        assertProblems(
                mixed,
                problems ->
                        assertThat(problems)
                                .containsExactly(
                                        "key_file: "
                                                + other.keyFile()
                                                + " does not belong to the certificate in "
                                                + ec.certFile()
                                                + " (its public key differs)"));
    }

    @Test
    void load_keyOfOtherAlgorithm_namesBothAlgorithms() {
        CertificateConfig mixed =
                new CertificateConfig(ecLeaf.write().certFile(), rsaLeaf.write().keyFile(), null);

        assertProblems(
                mixed,
                problems ->
                        assertThat(problems)
                                .singleElement()
                                .asString()
                                .contains("holds an RSA key, but the certificate")
                                .endsWith("holds an EC key"));
    }

    @Test
    void load_expiredCertificate_isAnError() {
        CertificateConfig config = ca.server("old.test").expired().issue().write();

        assertProblems(
                config,
                problems ->
                        assertThat(problems)
                                .singleElement()
                                .asString()
                                .startsWith("cert_file: " + config.certFile() + " expired at ")
                                .endsWith("; renew it"));
    }

    @Test
    void load_notYetValidCertificate_isAnError() {
        CertificateConfig config = ca.server("early.test").notYetValid().issue().write();

        assertProblems(
                config,
                problems ->
                        assertThat(problems)
                                .singleElement()
                                .asString()
                                .startsWith(
                                        "cert_file: "
                                                + config.certFile()
                                                + " is not valid before"));
    }

    @Test
    void load_certificateExpiringInFiveDays_loadsWithWarning() throws Exception {
        CertificateConfig config =
                ca.server("soon.test").expiresIn(Duration.ofDays(5).plusHours(1)).issue().write();

        LoadedCertificate loaded = loader.load(config);

        assertThat(loaded.warnings())
                .singleElement()
                .satisfies(
                        warning -> {
                            assertThat(warning.isError()).isFalse();
                            assertThat(warning.message())
                                    .startsWith("cert_file: " + config.certFile() + " expires at ")
                                    .contains("in 5 days");
                        });
    }

    @Test
    void load_certificateExpiringInFifteenDays_hasNoWarning() throws Exception {
        CertificateConfig config =
                ca.server("later.test").expiresIn(Duration.ofDays(15)).issue().write();

        LoadedCertificate loaded = loader.load(config);

        assertThat(loaded.warnings()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = KeyFormat.class,
            names = {"ENCRYPTED_PKCS8", "ENCRYPTED_TRADITIONAL"})
    void load_wrongPassword_reportsDecryptionFailure(KeyFormat format) {
        CertificateConfig written = ecLeaf.write(format);
        CertificateConfig config =
                new CertificateConfig(written.certFile(), written.keyFile(), "not the password");

        assertProblems(
                config,
                problems ->
                        assertThat(problems)
                                .singleElement()
                                .asString()
                                .startsWith(
                                        "key_password: "
                                                + config.keyFile()
                                                + " cannot be decrypted with key_password"));
    }

    @Test
    void load_encryptedKeyWithoutPassword_asksForPassword() {
        CertificateConfig written = ecLeaf.write(KeyFormat.ENCRYPTED_PKCS8);
        CertificateConfig config =
                new CertificateConfig(written.certFile(), written.keyFile(), null);

        assertProblems(
                config,
                problems ->
                        assertThat(problems)
                                .containsExactly(
                                        "key_file: "
                                                + config.keyFile()
                                                + " holds an encrypted key; set key_password"));
    }

    @Test
    void load_rsaKeyOf1024Bits_isRefused() {
        CertificateConfig config = ca.server("weak.test").keyType(KeyType.RSA_1024).issue().write();

        assertProblems(
                config,
                problems ->
                        assertThat(problems)
                                .singleElement()
                                .asString()
                                .endsWith(
                                        "holds an RSA key of 1024 bits; at least 2048 are"
                                                + " required"));
    }

    @Test
    void load_chainWithUnrelatedSecondCertificate_warnsAboutOrder() throws Exception {
        CertificateConfig config = ecLeaf.write();
        Authority stranger = certificates.newAuthority("Stranger CA");
        Files.writeString(
                config.certFile(),
                Files.readString(config.certFile(), US_ASCII)
                        + Files.readString(stranger.certFile(), US_ASCII),
                US_ASCII);

        LoadedCertificate loaded = loader.load(config);

        assertThat(loaded.chain()).hasSize(2);
        assertThat(loaded.warnings())
                .singleElement()
                .asString()
                .contains("is out of order: certificate 2 did not issue certificate 1");
    }

    @Test
    void loadCaCertificates_caFile_readsTheCertificate() throws Exception {
        assertThat(loader.loadCaCertificates(ca.certFile(), "client_ca_file"))
                .containsExactly(ca.certificate());
    }

    @Test
    void loadCaCertificates_missingFile_namesTheSetting() {
        Path missing = dir.resolve("missing-ca.crt");

        assertThatThrownBy(() -> loader.loadCaCertificates(missing, "ca_file"))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("ca_file: " + missing + " does not exist");
    }

    private void assertProblems(CertificateConfig config, Consumer<List<String>> check) {
        assertThatThrownBy(() -> loader.load(config))
                .isInstanceOfSatisfying(
                        TlsConfigException.class,
                        e -> check.accept(e.problems().stream().map(TlsProblem::message).toList()));
    }

    private static BigInteger privateValue(PrivateKey key) {
        return key instanceof ECPrivateKey
                ? ((ECPrivateKey) key).getS()
                : ((RSAPrivateKey) key).getPrivateExponent();
    }
}
