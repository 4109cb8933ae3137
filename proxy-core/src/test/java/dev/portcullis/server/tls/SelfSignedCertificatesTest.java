package dev.portcullis.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.CertificateConfig;
import java.net.InetAddress;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificatesTest {

    @TempDir Path dir;

    @Test
    void generate_namesAndAddresses_writesALoadableEcCertificate() throws Exception {
        CertificateConfig config =
                SelfSignedCertificates.generate(
                        dir.resolve("tls"),
                        List.of("demo.test", "localhost"),
                        List.of("127.0.0.1"));

        LoadedCertificate loaded = CertificateLoader.withSystemClock().load(config);

        assertThat(loaded.dnsNames()).containsExactly("demo.test", "localhost");
        assertThat(loaded.ipAddresses()).containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThat(loaded.key().getAlgorithm()).isEqualTo("EC");
        assertThat(loaded.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=demo.test");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void generate_validity_endsThirtyDaysFromNow() throws Exception {
        Instant before = Instant.now();

        CertificateConfig config =
                SelfSignedCertificates.generate(dir, List.of("a.test"), List.of());

        Instant notAfter = CertificateLoader.withSystemClock().load(config).notAfter();
        assertThat(notAfter)
                .isBetween(
                        before.plus(SelfSignedCertificates.VALIDITY).minusSeconds(1),
                        Instant.now().plus(SelfSignedCertificates.VALIDITY).plusSeconds(1));
        assertThat(SelfSignedCertificates.VALIDITY).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void generate_keyFile_isReadableByItsOwnerOnly() throws Exception {
        CertificateConfig config =
                SelfSignedCertificates.generate(dir, List.of("a.test"), List.of());

        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(
                            PosixFilePermissions.toString(
                                    Files.getPosixFilePermissions(config.keyFile())))
                    .isEqualTo("rw-------");
        }
        assertThat(config.keyPassword()).isNull();
    }

    @Test
    void generate_twice_replacesTheFiles() throws Exception {
        CertificateConfig first =
                SelfSignedCertificates.generate(dir, List.of("a.test"), List.of());
        String firstCert = Files.readString(first.certFile());

        CertificateConfig second =
                SelfSignedCertificates.generate(dir, List.of("a.test"), List.of());

        assertThat(second).isEqualTo(first);
        assertThat(Files.readString(second.certFile())).isNotEqualTo(firstCert);
        assertThat(CertificateLoader.withSystemClock().load(second).warnings()).isEmpty();
    }

    @Test
    void generate_notAnAddress_isRefused() {
        assertThatThrownBy(
                        () -> SelfSignedCertificates.generate(dir, List.of(), List.of("host.test")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ips: got 'host.test', which is not an IP address literal");
    }

    @Test
    void generate_noNames_isRefused() {
        assertThatThrownBy(() -> SelfSignedCertificates.generate(dir, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dnsNames and ips: both empty");
    }
}
