package dev.portcullis.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the memory of the test JVM, in which the proxy runs: used heap after a collection, and
 * the direct memory Netty's default allocator holds. While open it samples the direct memory every
 * couple of milliseconds and keeps the highest value, so a burst between two looks still shows.
 */
public final class MemoryProbe implements AutoCloseable {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final AtomicLong maxDirect = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;

    private MemoryProbe() {
        maxDirect.set(usedDirectMemory());
        sampler = new Thread(this::sample, "memory-probe");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling the direct memory. */
    public static MemoryProbe start() {
        return new MemoryProbe();
    }

    /** Used heap right after asking for a full collection (twice, to let finalization settle). */
    public static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** Direct memory held by Netty's default allocator now (the proxy's and the backends'). */
    public static long usedDirectMemory() {
        ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
        if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
            return provider.metric().usedDirectMemory();
        }
        throw new IllegalStateException("allocator without metrics: " + allocator);
    }

    /** The highest direct memory seen since the probe started. */
    public long maxDirectMemory() {
        return maxDirect.get();
    }

    private void sample() {
        while (running) {
            maxDirect.accumulateAndGet(usedDirectMemory(), Math::max);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join(TimeUnit.SECONDS.toMillis(5));
    }
}
