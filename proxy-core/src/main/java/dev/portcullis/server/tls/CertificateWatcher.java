package dev.portcullis.server.tls;

import dev.portcullis.metrics.RateLimitedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a listener's certificates when their files change: every interval it reads the
 * certificate, key and client CA files, and when their contents differ from the last applied ones
 * and have stayed the same for one more interval, it calls {@link ServerTlsContexts#reload()}. A
 * successful reload is one INFO line; a refused one is a WARN with every problem, at most once a
 * minute, and the previous certificates keep serving.
 *
 * <p>It polls contents instead of using a {@code WatchService} because file events miss the common
 * ways certificates are replaced: Kubernetes swaps a {@code ..data} symlink in the mounted
 * directory, a bind-mounted single file replaced on the host keeps pointing at the old inode,
 * network file systems send no events, and editors and ACME clients write through temporary files
 * and renames. Comparing contents also ignores a mere {@code touch} and does not depend on the file
 * system's timestamp resolution. The files are a few KiB, so reading them every few seconds costs
 * nothing that matters.
 *
 * <p>Waiting for one quiet interval avoids reloading between the certificate and the key being
 * written, which would fail with a mismatch and warn for nothing.
 *
 * <p>Runs on the scheduled executor it is given, never on an event loop. Thread-safe.
 */
public final class CertificateWatcher implements AutoCloseable {

    /** A reasonable poll interval: renewals are noticed within about ten seconds. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);
    private static final String ABSENT = "absent";

    private final String listener;
    private final ServerTlsContexts contexts;
    private final ScheduledExecutorService executor;
    private final Duration interval;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofMinutes(1));
    private Map<Path, String> applied;
    private @Nullable Map<Path, String> pending;
    private @Nullable ScheduledFuture<?> task;

    /**
     * @param listener the listener's name, for the log lines
     * @param interval time between two looks at the files
     */
    public CertificateWatcher(
            String listener,
            ServerTlsContexts contexts,
            ScheduledExecutorService executor,
            Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: got " + interval + ", must be > 0");
        }
        this.listener = listener;
        this.contexts = contexts;
        this.executor = executor;
        this.interval = interval;
        this.applied = fingerprints();
    }

    /** Starts polling; the files as they are now count as applied. */
    public synchronized void start() {
        if (task == null) {
            long millis = interval.toMillis();
            task =
                    executor.scheduleWithFixedDelay(
                            this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops polling; a reload in progress finishes. */
    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private synchronized void poll() {
        try {
            Map<Path, String> seen = fingerprints();
            if (seen.equals(applied)) {
                pending = null;
                return;
            }
            if (!seen.equals(pending)) {
                pending = seen; // changed since the last look: wait until writing has finished
                return;
            }
            pending = null;
            applied = seen;
            report(contexts.reload());
        } catch (RuntimeException e) {
            // Thrown out of a scheduled task, it would silently end all further polls.
            failures.warn(
                    "Listener {}: checking the TLS certificate files failed, will retry: {}",
                    listener,
                    e.toString());
        }
    }

    private void report(ReloadResult result) {
        String problems =
                result.problems().stream()
                        .map(TlsProblem::message)
                        .collect(Collectors.joining("; "));
        if (!result.applied()) {
            failures.warn(
                    "Listener {}: TLS certificate files changed but cannot be used; still serving"
                            + " the previous certificates: {}",
                    listener,
                    problems);
            return;
        }
        LOG.info(
                "Listener {}: reloaded TLS certificates: {}",
                listener,
                contexts.certificates().stream()
                        .map(c -> c.dnsNames() + " until " + c.notAfter())
                        .collect(Collectors.joining(", ")));
        if (!result.problems().isEmpty()) {
            LOG.warn(
                    "Listener {}: reloaded TLS certificates need attention: {}",
                    listener,
                    problems);
        }
    }

    private Map<Path, String> fingerprints() {
        Map<Path, String> fingerprints = new LinkedHashMap<>();
        for (Path file : contexts.files()) {
            fingerprints.put(file, fingerprint(file));
        }
        return fingerprints;
    }

    private static String fingerprint(Path file) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return ABSENT;
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no SHA-256", e);
        }
    }
}
