package dev.portcullis.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Backend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinTest {

    @Test
    void pick_weights511_followsTheSmoothSchedule() {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        Backend a = backends.get(0);
        Backend b = backends.get(1);
        Backend c = backends.get(2);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);

        List<Backend> picked = Picks.sequence(balancer, 14);

        assertThat(picked).containsExactly(a, a, b, a, c, a, a, a, a, b, a, c, a, a);
    }

    @Test
    void pick_equalWeights_neverRepeatsBackToBack() {
        List<Backend> backends = TestBackends.weighted(2, 2, 2, 2);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);

        List<Backend> picked = Picks.sequence(balancer, 100);

        for (int i = 1; i < picked.size(); i++) {
            assertThat(picked.get(i)).as("pick %d", i).isNotSameAs(picked.get(i - 1));
        }
        assertThat(Picks.count(picked)).containsOnlyKeys(backends);
    }

    @Test
    void pick_weights31_sharesFollowWeights() {
        List<Backend> backends = TestBackends.weighted(3, 1);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 10_000));

        Picks.assertSharesFollowWeights(counts, backends);
    }

    @Test
    void pick_weights511_sharesFollowWeights() {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 10_000));

        Picks.assertSharesFollowWeights(counts, backends);
    }

    @Test
    void pick_wholePeriods_givesExactShares() {
        List<Backend> backends = TestBackends.weighted(5, 3, 2);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 10 * 7));

        assertThat(counts)
                .containsEntry(backends.get(0), 35)
                .containsEntry(backends.get(1), 21)
                .containsEntry(backends.get(2), 14);
    }

    @Test
    void pick_weightsWithCommonDivisor_keepTheReducedSchedule() {
        List<Backend> backends = TestBackends.weighted(500, 100, 100);
        Backend a = backends.get(0);
        Backend b = backends.get(1);
        Backend c = backends.get(2);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);

        List<Backend> picked = Picks.sequence(balancer, 7);

        assertThat(picked).containsExactly(a, a, b, a, c, a, a);
    }

    @Test
    void pick_heavyBackendUnavailable_restShareExactlyByWeight() {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        backends.get(0).setAvailable(false);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 100));

        assertThat(counts).containsOnlyKeys(backends.get(1), backends.get(2));
        assertThat(counts).containsEntry(backends.get(1), 50).containsEntry(backends.get(2), 50);
    }

    @Test
    void pick_backendUnavailableAfterStart_isSkippedAtOnce() {
        List<Backend> backends = TestBackends.weighted(1, 1, 1);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);
        Picks.sequence(balancer, 5);

        backends.get(1).setAvailable(false);
        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 10));

        assertThat(counts).containsEntry(backends.get(0), 5).containsEntry(backends.get(2), 5);
    }

    @Test
    void pick_backendAvailableAgain_getsItsShareBack() {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        backends.get(0).setAvailable(false);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);
        Picks.sequence(balancer, 3);

        backends.get(0).setAvailable(true);
        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 7));

        assertThat(counts)
                .containsEntry(backends.get(0), 5)
                .containsEntry(backends.get(1), 1)
                .containsEntry(backends.get(2), 1);
    }

    @Test
    void pick_fourThreadsConcurrently_sharesStayExactOverWholePeriods() throws Exception {
        List<Backend> backends = TestBackends.weighted(5, 3, 2);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(backends);
        int threads = 4;
        int picksPerThread = 10_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Map<Backend, Integer>> perThread = new ArrayList<>();
        List<Thread> pickers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Map<Backend, Integer> counts = new HashMap<>();
            perThread.add(counts);
            pickers.add(
                    new Thread(() -> pickConcurrently(balancer, start, picksPerThread, counts)));
        }

        pickers.forEach(Thread::start);
        for (Thread picker : pickers) {
            picker.join();
        }

        Map<Backend, Integer> total = new HashMap<>();
        perThread.forEach(counts -> counts.forEach((b, n) -> total.merge(b, n, Integer::sum)));
        // 40,000 picks are 4,000 whole periods of length 10.
        assertThat(total)
                .containsEntry(backends.get(0), 20_000)
                .containsEntry(backends.get(1), 12_000)
                .containsEntry(backends.get(2), 8_000);
    }

    private static void pickConcurrently(
            LoadBalancer balancer, CyclicBarrier start, int picks, Map<Backend, Integer> counts) {
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < picks; i++) {
            Backend backend = balancer.pick(null);
            if (backend != null) {
                counts.merge(backend, 1, Integer::sum);
            }
        }
    }
}
