package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.RetryBudgetConfig;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final AtomicLong clock = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));

    @Test
    void floorOnly_quietUpstream_allowsTenSecondsOfTheFloorAtOnce() {
        RetryBudget budget = new RetryBudget(new RetryBudgetConfig(0, 1), clock::get);

        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            allowed += budget.tryAcquireRetry() ? 1 : 0;
        }

        assertThat(allowed).isEqualTo(10);
    }

    @Test
    void floorOnly_spent_comesBackAsItsSecondLeavesTheWindow() {
        RetryBudget budget = new RetryBudget(new RetryBudgetConfig(0, 1), clock::get);
        while (budget.tryAcquireRetry()) {
            // Spends the floor of ten seconds.
        }

        advance(9);
        assertThat(budget.tryAcquireRetry()).isFalse();
        advance(1);
        assertThat(budget.tryAcquireRetry()).isTrue();
    }

    @Test
    void percent_ofRecentRequests_allowsThatShareBeyondTheFloor() {
        RetryBudget budget = new RetryBudget(new RetryBudgetConfig(20, 0), clock::get);
        for (int i = 0; i < 10; i++) {
            budget.recordRequest();
        }

        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isFalse();
    }

    @Test
    void percent_requestsOlderThanTenSeconds_countNoMore() {
        RetryBudget budget = new RetryBudget(new RetryBudgetConfig(50, 0), clock::get);
        for (int i = 0; i < 10; i++) {
            budget.recordRequest();
        }
        advance(10);

        assertThat(budget.tryAcquireRetry()).isFalse();
    }

    private void advance(long seconds) {
        clock.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }
}
