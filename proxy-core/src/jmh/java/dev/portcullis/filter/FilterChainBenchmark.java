package dev.portcullis.filter;

import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.testing.BenchmarkRequests;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request phase of the filter chain, with filters that do nothing themselves, so that what is
 * measured is the chain: the verdict dispatch, the per-filter pass counters, and for a later
 * verdict the timeout timer and the completion callback.
 *
 * <p>The later verdict's stage is completed before the chain sees it and shared by every request
 * (as a filter answering from a cache might do); each request still gets its own {@link
 * Verdict.Later}, as it would from a real filter. The chain runs on an embedded event loop, whose
 * timers cost what a real loop's do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterChainBenchmark {

    private FilterChain threeProceeding;
    private FilterChain threeAndLater;
    private Exchange exchange;
    private CountingListener listener;
    private EmbeddedChannel loopOwner;

    @Setup
    public void setUp() throws Exception {
        ProxyMetrics metrics = ProxyMetrics.discarding();
        List<FilterChain.Entry> proceeding =
                List.of(
                        enforced(new Proceeding("a")),
                        enforced(new Proceeding("b")),
                        enforced(new Proceeding("c")));
        threeProceeding = FilterChain.of(proceeding, metrics);
        CompletionStage<Verdict> decided = CompletableFuture.completedFuture(Verdict.proceed());
        threeAndLater =
                FilterChain.of(
                        List.of(
                                proceeding.get(0),
                                proceeding.get(1),
                                proceeding.get(2),
                                enforced(new DecidedLater(decided))),
                        metrics);

        HttpRequest request = BenchmarkRequests.decode(BenchmarkRequests.BROWSER_GET);
        InetAddress peer = InetAddress.getByName("203.0.113.7");
        exchange =
                new Exchange(
                        request,
                        "shop.example.com",
                        "/products/shoes",
                        peer,
                        peer,
                        false,
                        "public",
                        "shop",
                        "0123456789abcdef",
                        System.nanoTime());
        loopOwner = new EmbeddedChannel();
        listener = new CountingListener(loopOwner.eventLoop());
    }

    @TearDown
    public void tearDown() {
        loopOwner.finishAndReleaseAll();
    }

    private static FilterChain.Entry enforced(Filter filter) {
        return new FilterChain.Entry(filter, FilterMode.ENFORCE);
    }

    @Benchmark
    public int threeFiltersProceed() {
        threeProceeding.runRequest(exchange, listener);
        return listener.checkedProceeds();
    }

    @Benchmark
    public int threeFiltersThenCompletedLaterVerdict() {
        threeAndLater.runRequest(exchange, listener);
        return listener.checkedProceeds();
    }

    /** A filter that lets every request through. */
    private record Proceeding(String name) implements Filter {
        @Override
        public Verdict onRequest(Exchange exchange) {
            return Verdict.proceed();
        }
    }

    /** A filter whose verdict is a stage, here one that is already complete. */
    private record DecidedLater(CompletionStage<Verdict> decided) implements Filter {
        @Override
        public String name() {
            return "later";
        }

        @Override
        public Verdict onRequest(Exchange exchange) {
            return Verdict.later(decided, Duration.ofSeconds(1), Verdict.proceed());
        }
    }

    /** Counts how often the chain let the request through; anything else is a broken setup. */
    private static final class CountingListener implements FilterChain.Listener {

        private final EventExecutor executor;
        private int proceeds;
        private int expected;

        CountingListener(EventExecutor executor) {
            this.executor = executor;
        }

        int checkedProceeds() {
            if (++expected != proceeds) {
                throw new IllegalStateException("the chain did not proceed at once");
            }
            return proceeds;
        }

        @Override
        public void proceed(Exchange exchange) {
            proceeds++;
        }

        @Override
        public void respond(Exchange exchange, Response response) {
            throw new IllegalStateException("no filter here answers");
        }

        @Override
        public void collectBody(Exchange exchange, int maxBytes) {
            throw new IllegalStateException("no filter here wants the body");
        }

        @Override
        public EventExecutor executor() {
            return executor;
        }
    }
}
