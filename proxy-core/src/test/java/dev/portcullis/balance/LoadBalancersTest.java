package dev.portcullis.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.portcullis.config.BalancePolicy;
import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The contract that every policy keeps, checked through the factory. */
class LoadBalancersTest {

    @Test
    void create_eachPolicy_returnsItsBalancer() {
        List<Backend> backends = TestBackends.weighted(1);

        assertThat(LoadBalancers.create(BalancePolicy.ROUND_ROBIN, backends))
                .isInstanceOf(SmoothWeightedRoundRobin.class);
        assertThat(LoadBalancers.create(BalancePolicy.LEAST_CONNECTIONS, backends))
                .isInstanceOf(LeastConnections.class);
        assertThat(LoadBalancers.create(BalancePolicy.P2C, backends))
                .isInstanceOf(PowerOfTwoChoices.class);
    }

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void create_weightOutOfRange_isRejected(BalancePolicy policy) {
        List<Backend> backends = List.of(TestBackends.backend("app", "a", 1001));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoadBalancers.create(policy, backends))
                .withMessageContaining("app/a:80")
                .withMessageContaining("1001");
    }

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void backends_anyPolicy_keepsConfigurationOrder(BalancePolicy policy) {
        List<Backend> backends = TestBackends.weighted(1, 5, 2);

        LoadBalancer balancer = LoadBalancers.create(policy, backends);

        assertThat(balancer.backends()).containsExactlyElementsOf(backends);
    }

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void pick_unavailableBackend_isNeverPicked(BalancePolicy policy) {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        backends.get(0).setAvailable(false);
        LoadBalancer balancer = LoadBalancers.create(policy, backends);

        Map<Backend, Integer> counts = Picks.count(Picks.sequence(balancer, 500));

        assertThat(counts).containsOnlyKeys(backends.get(1), backends.get(2));
    }

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void pick_allUnavailable_returnsNull(BalancePolicy policy) {
        List<Backend> backends = TestBackends.weighted(1, 1);
        backends.forEach(backend -> backend.setAvailable(false));
        LoadBalancer balancer = LoadBalancers.create(policy, backends);

        assertThat(balancer.pick(null)).isNull();
        assertThat(balancer.pick(backends.get(0))).isNull();
    }

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void pick_noBackends_returnsNull(BalancePolicy policy) {
        LoadBalancer balancer = LoadBalancers.create(policy, List.of());

        assertThat(balancer.pick(null)).isNull();
    }

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void pick_avoidWithOthersAvailable_picksAnother(BalancePolicy policy) {
        List<Backend> backends = TestBackends.weighted(5, 1, 1);
        Backend avoid = backends.get(0);
        LoadBalancer balancer = LoadBalancers.create(policy, backends);

        for (int i = 0; i < 200; i++) {
            assertThat(balancer.pick(avoid)).isNotSameAs(avoid).isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void pick_avoidIsTheOnlyAvailable_returnsAvoid(BalancePolicy policy) {
        List<Backend> backends = TestBackends.weighted(1, 1);
        backends.get(1).setAvailable(false);
        Backend avoid = backends.get(0);
        LoadBalancer balancer = LoadBalancers.create(policy, backends);

        assertThat(balancer.pick(avoid)).isSameAs(avoid);
    }

    @ParameterizedTest
    @EnumSource(BalancePolicy.class)
    void pick_avoidOfAnotherUpstream_isNeverReturned(BalancePolicy policy) {
        List<Backend> backends = TestBackends.weighted(1);
        backends.get(0).setAvailable(false);
        Backend stranger = TestBackends.backend("other", "x", 1);
        LoadBalancer balancer = LoadBalancers.create(policy, backends);

        assertThat(balancer.pick(stranger)).isNull();
    }
}
