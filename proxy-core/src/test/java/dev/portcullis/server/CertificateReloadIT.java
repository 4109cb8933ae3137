package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.testing.LogCapture;
import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.testing.TlsSockets;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate files replaced under a running listener, the way renewal tools do it (new files
 * written beside the old ones, then moved over them): new handshakes get the new certificate within
 * about two watcher intervals (the watcher polls every 5 s and waits for one quiet interval),
 * connections opened before keep theirs, and a broken replacement is refused with a WARN while the
 * old certificate goes on serving.
 */
class CertificateReloadIT {

    /** Two poll intervals of the watcher, and some slack for a loaded machine. */
    private static final Duration RELOAD_WITHIN = Duration.ofSeconds(15);

    @TempDir Path dir;

    private TestCertificates.Authority ca;
    private Path certFile;
    private Path keyFile;
    private BigInteger firstSerial;
    private TestBackend backend;
    private RunningProxy proxy;

    @BeforeEach
    void start() throws Exception {
        ca = new TestCertificates(dir).newAuthority("Reload CA");
        certFile = dir.resolve("site.crt");
        keyFile = dir.resolve("site.key");
        TestCertificates.Issued first = ca.server("site.test").issue();
        firstSerial = first.serial();
        CertificateConfig files =
                first.writeTo(certFile, keyFile, TestCertificates.KeyFormat.PKCS8);
        backend = TestBackend.start("reload");
        proxy =
                RunningProxy.start(
                        TestConfigs.builder()
                                .tls(
                                        new TlsConfig(
                                                List.of(files), ClientAuthMode.NONE, null, false))
                                .backend(backend.address())
                                .build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        backend.close();
    }

    @Test
    void filesReplaced_newHandshakesGetNewCertificate_openConnectionKeepsWorking()
            throws Exception {
        try (SSLSocket before =
                        TlsSockets.connect(proxy.address(), ca.trustingClient(), "site.test");
                RawHttpConnection kept = RawHttpConnection.over(before)) {
            assertThat(kept.send(get("/before")).readResponse().status()).isEqualTo(200);
            TestCertificates.Issued next = ca.server("site.test").issue();

            replaceFiles(next, next);

            await().atMost(RELOAD_WITHIN)
                    .pollInterval(Duration.ofMillis(250))
                    .until(this::servedSerial, serial -> serial.equals(next.serial()));
            assertThat(kept.send(get("/after")).readResponse().status()).isEqualTo(200);
            assertThat(TlsSockets.peer(before).getSerialNumber()).isEqualTo(firstSerial);
        }
        assertThat(backend.requests())
                .extracting(TestBackend.Recorded::uri)
                .containsExactly("/before", "/after");
    }

    @Test
    void brokenReplacement_keyOfAnotherCertificate_keepsOldCertificateAndWarns() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            TestCertificates.Issued certificate = ca.server("site.test").issue();
            TestCertificates.Issued otherKey = ca.server("site.test").issue();

            replaceFiles(certificate, otherKey);

            await().atMost(RELOAD_WITHIN)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> log.atLeast(Level.WARN), CertificateReloadIT::refusedReload);
            assertThat(servedSerial()).isEqualTo(firstSerial);
        }
    }

    private static boolean refusedReload(List<String> warnings) {
        return warnings.stream()
                .anyMatch(
                        line -> line.contains("Listener test:") && line.contains("cannot be used"));
    }

    /** Writes the replacement beside the live files, then moves it over them. */
    private void replaceFiles(TestCertificates.Issued certificate, TestCertificates.Issued key)
            throws IOException {
        Path newCert = dir.resolve("site.crt.new");
        Path newKey = dir.resolve("site.key.new");
        certificate.writeTo(newCert, dir.resolve("unused.key"), TestCertificates.KeyFormat.PKCS8);
        key.writeTo(dir.resolve("unused.crt"), newKey, TestCertificates.KeyFormat.PKCS8);
        Files.move(
                newKey,
                keyFile,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.move(
                newCert,
                certFile,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The serial number of the certificate a new handshake gets; a new client context each time, so
     * that no session is resumed with the certificate it began with.
     */
    private BigInteger servedSerial() throws IOException {
        try (SSLSocket socket =
                TlsSockets.connect(proxy.address(), ca.trustingClient(), "site.test")) {
            return TlsSockets.peer(socket).getSerialNumber();
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: site.test\r\n\r\n";
    }
}
