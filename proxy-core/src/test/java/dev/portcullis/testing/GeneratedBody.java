package dev.portcullis.testing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A request body of any length made up as it is sent, in 64 KiB parts of pseudo-random bytes, so
 * that no test ever holds a large body in memory. It keeps the CRC-32 of what it produced, and it
 * can stop at a given offset until told to go on, so a test can look at the proxy halfway.
 *
 * <p>Use with {@code HttpRequest.BodyPublishers.fromPublisher(body, body.length())}; it serves one
 * subscriber and honours its demand.
 */
public final class GeneratedBody implements Flow.Publisher<ByteBuffer> {

    private static final int PART = 64 * 1024;

    private final long length;
    private final long pauseAt;
    private static final long SEED = 20_240_613L;

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final CRC32 checksum = new CRC32();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger draining = new AtomicInteger();
    private final CountDownLatch paused = new CountDownLatch(1);
    private volatile boolean resumed;
    private volatile boolean cancelled;
    private volatile Flow.@org.jspecify.annotations.Nullable Subscriber<? super ByteBuffer>
            subscriber;
    private volatile long produced;
    private boolean completed;

    /**
     * @param length bytes in all
     * @param pauseAt the offset at which production stops until {@link #resume()}, or {@code
     *     length} for none
     */
    public GeneratedBody(long length, long pauseAt) {
        this.length = length;
        this.pauseAt = pauseAt;
    }

    /** A body that never pauses. */
    public static GeneratedBody of(long length) {
        return new GeneratedBody(length, length);
    }

    public long length() {
        return length;
    }

    /** The first {@code count} bytes this body produces (at most 64 KiB), made up again. */
    public static byte[] prefix(int count) {
        byte[] part = new byte[PART];
        new SplittableRandom(SEED).nextBytes(part);
        return Arrays.copyOf(part, count);
    }

    /** Bytes handed to the subscriber so far. */
    public long produced() {
        return produced;
    }

    /** The CRC-32 of the whole body; valid once it has all been produced. */
    public synchronized long checksum() {
        return checksum.getValue();
    }

    /** Waits until production reached the pause offset; false if it did not in time. */
    public boolean awaitPause(long timeout, TimeUnit unit) throws InterruptedException {
        return paused.await(timeout, unit);
    }

    /** Lets production go on after the pause. */
    public void resume() {
        resumed = true;
        drain();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> newSubscriber) {
        if (subscriber != null) {
            newSubscriber.onError(new IllegalStateException("the body can be sent only once"));
            return;
        }
        subscriber = newSubscriber;
        newSubscriber.onSubscribe(
                new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        demand.accumulateAndGet(
                                n, (current, more) -> Math.max(current, current + more));
                        drain();
                    }

                    @Override
                    public void cancel() {
                        cancelled = true;
                    }
                });
    }

    /** Emits what demand allows; one thread at a time, the others leave their work to it. */
    private void drain() {
        if (draining.getAndIncrement() != 0) {
            return;
        }
        do {
            emitAvailable();
        } while (draining.decrementAndGet() != 0);
    }

    private void emitAvailable() {
        Flow.Subscriber<? super ByteBuffer> target = subscriber;
        if (target == null || completed) {
            return;
        }
        while (!cancelled && produced < length && demand.get() > 0) {
            if (produced >= pauseAt && !resumed) {
                paused.countDown();
                return;
            }
            long limit = resumed ? length : pauseAt;
            int size = (int) Math.min(PART, limit - produced);
            byte[] part = new byte[size];
            random.nextBytes(part);
            synchronized (this) {
                checksum.update(part);
            }
            produced += size;
            demand.decrementAndGet();
            target.onNext(ByteBuffer.wrap(part));
        }
        if (produced == length && !cancelled) {
            completed = true;
            target.onComplete();
        }
    }
}
