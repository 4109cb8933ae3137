package dev.portcullis.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.upstream.Backend;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Drives a balancer the way the forwarding code does and counts where the picks went. */
final class Picks {

    private Picks() {}

    /** Picks {@code count} times without starting requests, returning the sequence picked. */
    static List<Backend> sequence(LoadBalancer balancer, int count) {
        List<Backend> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picked.add(pickSome(balancer));
        }
        return picked;
    }

    private static Backend pickSome(LoadBalancer balancer) {
        Backend backend = balancer.pick(null);
        if (backend == null) {
            throw new AssertionError("no backend picked");
        }
        return backend;
    }

    /** Counts the picks of each backend in a sequence. */
    static Map<Backend, Integer> count(List<Backend> picked) {
        Map<Backend, Integer> counts = new HashMap<>();
        for (Backend backend : picked) {
            counts.merge(backend, 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Picks {@code count} times, starting a request on each pick and keeping at most {@code
     * inFlight} requests open (the oldest finishes first), as a steadily loaded proxy would.
     */
    static Map<Backend, Integer> underLoad(LoadBalancer balancer, int count, int inFlight) {
        ArrayDeque<Backend> open = new ArrayDeque<>();
        List<Backend> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (open.size() == inFlight) {
                open.removeFirst().requestFinished();
            }
            Backend backend = pickSome(balancer);
            backend.requestStarted();
            open.addLast(backend);
            picked.add(backend);
        }
        open.forEach(Backend::requestFinished);
        return count(picked);
    }

    /** Asserts that each backend got its weight's share of the picks, within 5 % of that share. */
    static void assertSharesFollowWeights(Map<Backend, Integer> counts, List<Backend> backends) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        int totalWeight = backends.stream().mapToInt(Backend::weight).sum();
        for (Backend backend : backends) {
            double expected = (double) total * backend.weight() / totalWeight;
            assertThat((double) counts.getOrDefault(backend, 0))
                    .as("picks of %s (weight %d)", backend, backend.weight())
                    .isBetween(expected * 0.95, expected * 1.05);
        }
    }
}
