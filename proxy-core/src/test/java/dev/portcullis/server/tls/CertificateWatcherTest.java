package dev.portcullis.server.tls;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.portcullis.config.CertificateConfig;
import dev.portcullis.testing.LogCapture;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestCertificates.Authority;
import dev.portcullis.testing.TestCertificates.Issued;
import dev.portcullis.testing.TestCertificates.KeyFormat;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher on real files and a real scheduler, with a short interval. */
class CertificateWatcherTest {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    @TempDir Path dir;

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private Authority ca;
    private Issued original;
    private CertificateConfig files;
    private ServerTlsContexts contexts;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        ca = new TestCertificates(dir).newAuthority("Watcher CA");
        original = ca.server("watched.test").issue();
        files = original.write();
        contexts =
                ServerTlsContexts.load(
                        TlsFixture.config(false, files), SslProvider.JDK, Clock.systemUTC());
        log = LogCapture.start();
    }

    @AfterEach
    void stop() {
        log.close();
        executor.shutdownNow();
        contexts.close();
    }

    @Test
    void replacedFiles_areReloadedWithOneInfoLine() {
        try (CertificateWatcher watcher = watch()) {
            Issued renewed = ca.server("watched.test", "new.test").issue();
            renewed.writeTo(files.certFile(), files.keyFile(), KeyFormat.PKCS8);

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> servedSerial().equals(renewed.serial()));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(
                            () ->
                                    assertThat(log.atLeast(Level.INFO))
                                            .filteredOn(line -> line.contains("reloaded TLS"))
                                            .singleElement()
                                            .asString()
                                            .startsWith("INFO ")
                                            .contains("Listener public: reloaded TLS certificates")
                                            .contains("[watched.test, new.test]"));
        }
    }

    @Test
    void replacementWithMismatchedKey_keepsTheCertificateAndWarnsWithTheProblem() throws Exception {
        try (CertificateWatcher watcher = watch()) {
            Issued renewed = ca.server("watched.test").issue();
            Files.copy(renewed.write().certFile(), files.certFile(), REPLACE_EXISTING);

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(
                            () ->
                                    assertThat(log.atLeast(Level.WARN))
                                            .singleElement()
                                            .asString()
                                            .contains("still serving the previous certificates")
                                            .contains(
                                                    "certificates[0].key_file: "
                                                            + files.keyFile()
                                                            + " does not belong to the"
                                                            + " certificate"));
            assertThat(servedSerial()).isEqualTo(original.serial());
        }
    }

    @Test
    void mismatchRepairedLater_isReloadedThen() throws Exception {
        try (CertificateWatcher watcher = watch()) {
            Issued renewed = ca.server("watched.test").issue();
            CertificateConfig staged = renewed.write();
            Files.copy(staged.certFile(), files.certFile(), REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(5)).until(() -> !log.atLeast(Level.WARN).isEmpty());

            Files.copy(staged.keyFile(), files.keyFile(), REPLACE_EXISTING);

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> servedSerial().equals(renewed.serial()));
        }
    }

    @Test
    void interval_zero_isRefused() {
        assertThatThrownBy(
                        () -> new CertificateWatcher("public", contexts, executor, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval: got PT0S, must be > 0");
    }

    private CertificateWatcher watch() {
        CertificateWatcher watcher = new CertificateWatcher("public", contexts, executor, INTERVAL);
        watcher.start();
        return watcher;
    }

    private java.math.BigInteger servedSerial() {
        return contexts.certificates().get(0).leaf().getSerialNumber();
    }
}
