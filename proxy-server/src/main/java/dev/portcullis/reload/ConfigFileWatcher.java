package dev.portcullis.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Notices when the configuration file's content changes and asks for a reload once the new content
 * has stayed the same for one more poll, so a half-written file is never loaded. Polling the
 * content (rather than file events) also sees symlink swaps and bind-mounted files replaced from
 * outside a container.
 */
public final class ConfigFileWatcher implements AutoCloseable {

    private final Path file;
    private final Runnable onChange;
    private final ScheduledExecutorService executor;
    private final Duration interval;
    private byte @Nullable [] applied;
    private byte @Nullable [] pending;
    private @Nullable ScheduledFuture<?> task;

    public ConfigFileWatcher(
            Path file, Runnable onChange, ScheduledExecutorService executor, Duration interval) {
        this.file = file;
        this.onChange = onChange;
        this.executor = executor;
        this.interval = interval;
        this.applied = digest(file);
    }

    public synchronized void start() {
        if (task == null) {
            long millis = interval.toMillis();
            task =
                    executor.scheduleWithFixedDelay(
                            this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void poll() {
        byte[] now = digest(file);
        if (now == null || Arrays.equals(now, applied)) {
            pending = null;
            return;
        }
        if (!Arrays.equals(now, pending)) {
            pending = now;
            return;
        }
        applied = now;
        pending = null;
        onChange.run();
    }

    private static byte @Nullable [] digest(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        ScheduledFuture<?> current = task;
        task = null;
        if (current != null) {
            current.cancel(false);
        }
    }
}
