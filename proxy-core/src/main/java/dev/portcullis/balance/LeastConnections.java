package dev.portcullis.balance;

import dev.portcullis.upstream.Backend;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Picks the available backend with the fewest active requests relative to its weight; a backend of
 * weight 2 with 4 requests in flight counts as loaded as one of weight 1 with 2. Ties are broken
 * uniformly at random, so idle backends share the traffic instead of the first one taking it all.
 *
 * <p>Thread-safe and lock-free; a pick reads every backend once and allocates nothing. The counts
 * are read without a snapshot, so concurrent picks may see slightly different loads, which only
 * matters as much as the counts themselves are a moment old.
 */
public final class LeastConnections implements LoadBalancer {

    private final Backend[] backends;
    private final List<Backend> backendList;

    /**
     * Creates a balancer over the backends, kept in the given order.
     *
     * @throws IllegalArgumentException when a backend's weight is outside 1 to 1000
     */
    public LeastConnections(List<Backend> backends) {
        this.backends = BackendChoice.checkedCopy(backends);
        this.backendList = List.of(this.backends);
    }

    @Override
    public @Nullable Backend pick(@Nullable Backend avoid) {
        Backend best = null;
        long bestActive = 0;
        long bestWeight = 1;
        int ties = 0;
        for (Backend backend : backends) {
            if (!BackendChoice.isCandidate(backend, avoid)) {
                continue;
            }
            long active = backend.activeRequests();
            long weight = backend.weight();
            int order = best == null ? -1 : Long.compare(active * bestWeight, bestActive * weight);
            if (order > 0) {
                continue;
            }
            if (order < 0) {
                ties = 1;
            } else if (ThreadLocalRandom.current().nextInt(++ties) != 0) {
                // Reservoir sampling over the tied backends: the k-th of them replaces the choice
                // with probability 1/k, which leaves each of them equally likely to be chosen.
                continue;
            }
            best = backend;
            bestActive = active;
            bestWeight = weight;
        }
        return best != null ? best : BackendChoice.lastResort(backends, avoid);
    }

    @Override
    public List<Backend> backends() {
        return backendList;
    }
}
