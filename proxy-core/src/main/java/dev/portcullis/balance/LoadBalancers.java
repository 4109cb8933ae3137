package dev.portcullis.balance;

import dev.portcullis.config.BalancePolicy;
import dev.portcullis.upstream.Backend;
import java.util.List;

/** Creates the balancer that implements a configured {@link BalancePolicy}. */
public final class LoadBalancers {

    private LoadBalancers() {}

    /**
     * Returns a new balancer of the policy over the backends, kept in the given order.
     *
     * @throws IllegalArgumentException when a backend's weight is outside 1 to 1000
     */
    public static LoadBalancer create(BalancePolicy policy, List<Backend> backends) {
        return switch (policy) {
            case ROUND_ROBIN -> new SmoothWeightedRoundRobin(backends);
            case LEAST_CONNECTIONS -> new LeastConnections(backends);
            case P2C -> new PowerOfTwoChoices(backends);
        };
    }
}
