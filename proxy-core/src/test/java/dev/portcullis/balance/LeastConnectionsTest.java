package dev.portcullis.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

    private static void start(Backend backend, int requests) {
        for (int i = 0; i < requests; i++) {
            backend.requestStarted();
        }
    }

    @Test
    void pick_oneIdleAmongBusy_picksTheIdle() {
        List<Backend> backends = TestBackends.weighted(1, 1, 1);
        start(backends.get(0), 3);
        start(backends.get(2), 1);
        LeastConnections balancer = new LeastConnections(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 100));

        assertThat(counts).containsOnlyKeys(backends.get(1));
    }

    @Test
    void pick_unequalWeights_comparesRequestsPerWeight() {
        List<Backend> backends = TestBackends.weighted(3, 1);
        start(backends.get(0), 5);
        start(backends.get(1), 2);
        LeastConnections balancer = new LeastConnections(backends);

        Backend picked = balancer.pick(null);

        assertThat(picked).isSameAs(backends.get(0));
    }

    @Test
    void pick_tiedBackends_spreadsOverEveryTiedBackend() {
        List<Backend> backends = TestBackends.weighted(1, 1, 1, 1);
        start(backends.get(3), 1);
        LeastConnections balancer = new LeastConnections(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 3_000));

        assertThat(counts).doesNotContainKey(backends.get(3));
        for (Backend tied : backends.subList(0, 3)) {
            assertThat(counts.get(tied)).as("picks of %s", tied).isBetween(850, 1150);
        }
    }

    @Test
    void pick_weights31UnderLoad_sharesFollowWeights() {
        List<Backend> backends = TestBackends.weighted(3, 1);
        LeastConnections balancer = new LeastConnections(backends);

        Map<Backend, Integer> counts = Picks.underLoad(balancer, 10_000, 40);

        Picks.assertSharesFollowWeights(counts, backends);
    }

    @Test
    void pick_weights511UnderLoad_sharesFollowWeights() {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        LeastConnections balancer = new LeastConnections(backends);

        Map<Backend, Integer> counts = Picks.underLoad(balancer, 10_000, 70);

        Picks.assertSharesFollowWeights(counts, backends);
    }
}
