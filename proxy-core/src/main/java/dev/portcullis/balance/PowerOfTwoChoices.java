package dev.portcullis.balance;

import dev.portcullis.upstream.Backend;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Draws two distinct available backends at random and picks the one with fewer active requests
 * relative to its weight, a tie going to either at random. With one available backend, picks it.
 *
 * <h2>Implementation notes</h2>
 *
 * Comparing two random choices instead of all backends keeps concurrent pickers from all rushing to
 * the same least-loaded backend, as they do under least-connections when the counts they read are a
 * moment old (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", 2001).
 *
 * <p>The two are drawn in proportion to weight. Uniform draws would cap any one backend at 2/n of
 * the picks however heavy it is (it takes part in only that share of pairs), so a backend of weight
 * 5 next to two of weight 1 could never get its 5/7.
 *
 * <p>Thread-safe and lock-free; a pick allocates nothing and reads the backends a few times over,
 * which is cheap for the handful of backends an upstream has.
 */
public final class PowerOfTwoChoices implements LoadBalancer {

    private final Backend[] backends;
    private final List<Backend> backendList;

    /**
     * Creates a balancer over the backends, kept in the given order.
     *
     * @throws IllegalArgumentException when a backend's weight is outside 1 to 1000
     */
    public PowerOfTwoChoices(List<Backend> backends) {
        this.backends = BackendChoice.checkedCopy(backends);
        this.backendList = List.of(this.backends);
    }

    @Override
    public @Nullable Backend pick(@Nullable Backend avoid) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Backend first = drawByWeight(avoid, null, random);
        if (first == null) {
            return BackendChoice.lastResort(backends, avoid);
        }
        Backend second = drawByWeight(avoid, first, random);
        if (second == null) {
            return first;
        }

        // A tie goes to the first draw, itself random and in proportion to weight.
        return BackendChoice.compareLoad(second, first) < 0 ? second : first;
    }

    /** Draws a candidate other than {@code drawn} with probability proportional to its weight. */
    private @Nullable Backend drawByWeight(
            @Nullable Backend avoid, @Nullable Backend drawn, ThreadLocalRandom random) {
        int totalWeight = 0;
        for (Backend backend : backends) {
            if (backend != drawn && BackendChoice.isCandidate(backend, avoid)) {
                totalWeight += backend.weight();
            }
        }
        if (totalWeight == 0) {
            return null;
        }

        int ticket = random.nextInt(totalWeight);
        Backend lastCandidate = null;
        for (Backend backend : backends) {
            if (backend != drawn && BackendChoice.isCandidate(backend, avoid)) {
                lastCandidate = backend;
                ticket -= backend.weight();
                if (ticket < 0) {
                    return backend;
                }
            }
        }
        // A backend became unavailable between the two passes; any remaining candidate will do.
        return lastCandidate;
    }

    @Override
    public List<Backend> backends() {
        return backendList;
    }
}
