package dev.portcullis.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes bytes to a raw connection one at a time at a fixed pace from its own thread, the way a
 * slowloris client keeps a connection busy. It stops at the last byte or when a write fails because
 * the proxy closed the connection.
 */
public final class Trickle implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final RawHttpConnection connection;
    private final byte[] bytes;
    private final AtomicInteger sent = new AtomicInteger();

    private Trickle(RawHttpConnection connection, byte[] bytes) {
        this.connection = connection;
        this.bytes = bytes.clone();
    }

    /** Starts writing at once: the first byte now, then one per {@code interval}. */
    public static Trickle start(RawHttpConnection connection, byte[] bytes, Duration interval) {
        Trickle trickle = new Trickle(connection, bytes);
        trickle.timer.scheduleAtFixedRate(
                trickle::writeNext, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        return trickle;
    }

    /** How many bytes have been written so far. */
    public int bytesSent() {
        return sent.get();
    }

    private void writeNext() {
        int index = sent.get();
        if (index >= bytes.length) {
            timer.shutdown();
            return;
        }
        try {
            connection.send(new byte[] {bytes[index]});
            sent.incrementAndGet();
        } catch (IOException e) {
            timer.shutdown();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
