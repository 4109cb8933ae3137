package dev.portcullis.balance;

import dev.portcullis.upstream.Backend;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The rules every balancing policy shares: who may be picked, the last resort, relative load. */
final class BackendChoice {

    /** The highest weight a backend may have; it bounds the round-robin schedule's length. */
    static final int MAX_WEIGHT = 1000;

    private BackendChoice() {}

    /**
     * Copies the backends for a balancer, checking their weights.
     *
     * @throws IllegalArgumentException when a weight is outside 1 to {@value #MAX_WEIGHT}
     */
    static Backend[] checkedCopy(List<Backend> backends) {
        Backend[] copy = backends.toArray(new Backend[0]);
        for (Backend backend : copy) {
            if (backend.weight() < 1 || backend.weight() > MAX_WEIGHT) {
                throw new IllegalArgumentException(
                        "backend "
                                + backend
                                + ": weight must be 1 to "
                                + MAX_WEIGHT
                                + ", got "
                                + backend.weight());
            }
        }
        return copy;
    }

    /** Whether a policy may pick the backend in the first place. */
    static boolean isCandidate(Backend backend, @Nullable Backend avoid) {
        return backend != avoid && backend.isAvailable();
    }

    /**
     * Returns {@code avoid} when it is one of the backends and available, for use only once no
     * other candidate exists; {@code null} otherwise.
     */
    static @Nullable Backend lastResort(Backend[] backends, @Nullable Backend avoid) {
        if (avoid == null || !avoid.isAvailable()) {
            return null;
        }
        for (Backend backend : backends) {
            if (backend == avoid) {
                return avoid;
            }
        }
        return null;
    }

    /**
     * Compares the active requests per unit of weight of two backends, without division: negative
     * when {@code a} is the less loaded.
     */
    static int compareLoad(Backend a, Backend b) {
        return Long.compare(
                (long) a.activeRequests() * b.weight(), (long) b.activeRequests() * a.weight());
    }
}
