package dev.portcullis.testing;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs JMH's benchmark threads as Netty {@code FastThreadLocalThread}s, the kind event loops run
 * on. Netty's recycler pools objects only on such threads, so on JMH's plain threads a benchmark
 * would allocate, for example, a new {@code ChannelOutboundBuffer.Entry} per write, which the proxy
 * does not.
 *
 * <p>Chosen with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=} and this class's name, which
 * the {@code jmh} profile of proxy-core passes; JMH calls the {@code (int, String)} constructor.
 */
public final class FastThreadLocalExecutor extends ThreadPoolExecutor {

    /**
     * @param maxThreads the number of benchmark threads
     * @param prefix the start of their names, which go on with {@code -jmh-worker-}, as JMH's own
     *     do
     */
    public FastThreadLocalExecutor(int maxThreads, String prefix) {
        super(
                maxThreads,
                maxThreads,
                1,
                TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix + "-jmh-worker", true));
    }
}
