package dev.portcullis.balance;

import dev.portcullis.upstream.Backend;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Takes the available backends in turn, each as often as its weight, spread out evenly: weights 5,
 * 1 and 1 give {@code a a b a c a a}, not {@code a a a a a b c}. One sequence is shared by all
 * threads, so over every whole period of it each backend gets exactly its share.
 *
 * <h2>Implementation notes</h2>
 *
 * <h3>The schedule</h3>
 *
 * The sequence is the smooth weighted round robin of nginx ({@code ngx_http_upstream_get_peer} in
 * {@code src/http/ngx_http_upstream_round_robin.c}): at each step every backend's current value
 * grows by its weight, the backend with the highest value is chosen (the first one on a tie) and
 * its value drops by the total weight. After as many steps as the total weight, every value is back
 * at zero and each backend has been chosen exactly weight times, so the sequence is periodic.
 * Dividing the weights by their greatest common divisor gives the same sequence with a shorter
 * period.
 *
 * <h3>Sharing it without locks</h3>
 *
 * One period is computed ahead and kept with the availability of each backend it was computed for.
 * A pick takes the next position from an atomic counter and returns the backend at that position
 * modulo the period. Availability has no change notification, so each pick compares the backends'
 * current availability with the schedule's and, on a difference, computes the schedule of the now
 * available backends; racing pickers may each compute it, which is harmless. The shares thus stay
 * exact among the available backends instead of an unavailable backend's turns going to whichever
 * backend follows it.
 *
 * <h3>Cost</h3>
 *
 * A pick reads each backend's availability once and allocates nothing. A schedule holds at most
 * 1000 entries per backend and takes time proportional to its length times the number of backends
 * to compute, which happens only when availability changes.
 */
public final class SmoothWeightedRoundRobin implements LoadBalancer {

    private final Backend[] backends;
    private final List<Backend> backendList;
    private final AtomicLong position = new AtomicLong();
    private volatile Schedule schedule;

    /**
     * Creates a balancer over the backends, kept in the given order.
     *
     * @throws IllegalArgumentException when a backend's weight is outside 1 to 1000
     */
    public SmoothWeightedRoundRobin(List<Backend> backends) {
        this.backends = BackendChoice.checkedCopy(backends);
        this.backendList = List.of(this.backends);
        this.schedule = Schedule.forAvailable(this.backends);
    }

    @Override
    public @Nullable Backend pick(@Nullable Backend avoid) {
        Backend[] turns = currentSchedule().turns;
        int period = turns.length;
        if (period == 0) {
            return BackendChoice.lastResort(backends, avoid);
        }

        int start = (int) Math.floorMod(position.getAndIncrement(), (long) period);
        // Only avoid, or a backend that went down since the schedule was checked, is skipped.
        for (int step = 0; step < period; step++) {
            int turn = start + step < period ? start + step : start + step - period;
            Backend backend = turns[turn];
            if (BackendChoice.isCandidate(backend, avoid)) {
                return backend;
            }
        }
        return BackendChoice.lastResort(backends, avoid);
    }

    private Schedule currentSchedule() {
        Schedule current = schedule;
        if (current.isFor(backends)) {
            return current;
        }
        Schedule updated = Schedule.forAvailable(backends);
        schedule = updated;
        return updated;
    }

    @Override
    public List<Backend> backends() {
        return backendList;
    }

    /** One period of the smooth sequence over the backends that were available. */
    private static final class Schedule {

        private final boolean[] availability;
        private final Backend[] turns;

        private Schedule(boolean[] availability, Backend[] turns) {
            this.availability = availability;
            this.turns = turns;
        }

        static Schedule forAvailable(Backend[] backends) {
            boolean[] availability = new boolean[backends.length];
            int divisor = 0;
            for (int i = 0; i < backends.length; i++) {
                availability[i] = backends[i].isAvailable();
                if (availability[i]) {
                    divisor = greatestCommonDivisor(divisor, backends[i].weight());
                }
            }
            return new Schedule(availability, smoothPeriod(backends, availability, divisor));
        }

        private static Backend[] smoothPeriod(Backend[] backends, boolean[] included, int divisor) {
            int[] weights = new int[backends.length];
            int totalWeight = 0;
            for (int i = 0; i < backends.length; i++) {
                weights[i] = included[i] ? backends[i].weight() / divisor : 0;
                totalWeight += weights[i];
            }

            Backend[] turns = new Backend[totalWeight];
            int[] current = new int[backends.length];
            for (int turn = 0; turn < totalWeight; turn++) {
                int chosen = -1;
                for (int i = 0; i < backends.length; i++) {
                    if (weights[i] > 0) {
                        current[i] += weights[i];
                        if (chosen < 0 || current[i] > current[chosen]) {
                            chosen = i;
                        }
                    }
                }
                current[chosen] -= totalWeight;
                turns[turn] = backends[chosen];
            }
            return turns;
        }

        private static int greatestCommonDivisor(int a, int b) {
            return b == 0 ? a : greatestCommonDivisor(b, a % b);
        }

        /** Whether the backends' availability is still the one this schedule was made for. */
        boolean isFor(Backend[] backends) {
            for (int i = 0; i < backends.length; i++) {
                if (backends[i].isAvailable() != availability[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
