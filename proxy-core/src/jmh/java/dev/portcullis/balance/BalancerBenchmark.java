package dev.portcullis.balance;

import dev.portcullis.config.BalancePolicy;
import dev.portcullis.testing.BenchmarkUpstreams;
import dev.portcullis.upstream.Backend;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One balancer pick over four backends of weight 1, per policy, alone and as the request path does
 * it (pick, then count the request in and out on the chosen backend). The {@code @Threads(2)}
 * variants share the balancer and the backends' counters between two threads, as two event loops
 * do.
 *
 * <p>The backends start with 2, 1, 3 and 1 requests in flight, so least-connections has a tie to
 * break at random and power-of-two-choices has loads to compare.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerBenchmark {

    private static final int[] IN_FLIGHT = {2, 1, 3, 1};

    @Param({"ROUND_ROBIN", "LEAST_CONNECTIONS", "P2C"})
    public BalancePolicy policy;

    private LoadBalancer balancer;

    @Setup
    public void setUp() {
        List<Backend> backends = BenchmarkUpstreams.of("app", 4, policy).backends();
        for (int i = 0; i < backends.size(); i++) {
            for (int n = 0; n < IN_FLIGHT[i]; n++) {
                backends.get(i).requestStarted();
            }
        }
        balancer = LoadBalancers.create(policy, backends);
    }

    @Benchmark
    public @Nullable Backend pick() {
        return balancer.pick(null);
    }

    /** What one request costs the balancing part of the path: the pick and the two counts. */
    @Benchmark
    public @Nullable Backend pickAndCount() {
        return pickStartFinish();
    }

    @Benchmark
    @Threads(2)
    public @Nullable Backend pickTwoThreads() {
        return balancer.pick(null);
    }

    @Benchmark
    @Threads(2)
    public @Nullable Backend pickAndCountTwoThreads() {
        return pickStartFinish();
    }

    private @Nullable Backend pickStartFinish() {
        Backend chosen = balancer.pick(null);
        if (chosen != null) {
            chosen.requestStarted();
            chosen.requestFinished();
        }
        return chosen;
    }
}
