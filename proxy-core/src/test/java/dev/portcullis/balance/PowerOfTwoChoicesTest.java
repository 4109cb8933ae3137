package dev.portcullis.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesTest {

    @Test
    void pick_othersIdle_neverPicksTheBusiestOfThree() {
        List<Backend> backends = TestBackends.weighted(1, 1, 1);
        backends.get(1).requestStarted();
        PowerOfTwoChoices balancer = new PowerOfTwoChoices(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 1_000));

        assertThat(counts).doesNotContainKey(backends.get(1));
        assertThat(counts).containsKeys(backends.get(0), backends.get(2));
    }

    @Test
    void pick_unequalWeights_comparesRequestsPerWeight() {
        List<Backend> backends = TestBackends.weighted(3, 1);
        for (int i = 0; i < 5; i++) {
            backends.get(0).requestStarted();
        }
        backends.get(1).requestStarted();
        backends.get(1).requestStarted();
        PowerOfTwoChoices balancer = new PowerOfTwoChoices(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 100));

        assertThat(counts).containsOnlyKeys(backends.get(0));
    }

    @Test
    void pick_equalLoads_breaksTiesAtRandom() {
        List<Backend> backends = TestBackends.weighted(1, 1);
        PowerOfTwoChoices balancer = new PowerOfTwoChoices(backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 2_000));

        assertThat(counts.get(backends.get(0))).isBetween(850, 1150);
        assertThat(counts.get(backends.get(1))).isBetween(850, 1150);
    }

    @Test
    void pick_idleUpstream_sharesFollowWeights() {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        PowerOfTwoChoices balancer = new PowerOfTwoChoices(backends);

        // Enough picks that 5 % of the smallest share is more than six standard deviations.
        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 100_000));

        Picks.assertSharesFollowWeights(counts, backends);
    }

    @Test
    void pick_oneAvailable_picksIt() {
        List<Backend> backends = TestBackends.weighted(1, 1, 1);
        backends.get(0).setAvailable(false);
        backends.get(2).setAvailable(false);
        backends.get(1).requestStarted();
        PowerOfTwoChoices balancer = new PowerOfTwoChoices(backends);

        Backend picked = balancer.pick(null);

        assertThat(picked).isSameAs(backends.get(1));
    }

    @Test
    void pick_weights31UnderLoad_sharesFollowWeights() {
        List<Backend> backends = TestBackends.weighted(3, 1);
        PowerOfTwoChoices balancer = new PowerOfTwoChoices(backends);

        Map<Backend, Integer> counts = Picks.underLoad(balancer, 10_000, 40);

        Picks.assertSharesFollowWeights(counts, backends);
    }

    @Test
    void pick_weights511UnderLoad_sharesFollowWeights() {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        PowerOfTwoChoices balancer = new PowerOfTwoChoices(backends);

        Map<Backend, Integer> counts = Picks.underLoad(balancer, 10_000, 70);

        Picks.assertSharesFollowWeights(counts, backends);
    }
}
