package dev.portcullis.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendChoiceTest {

    @Test
    void checkedCopy_weightZero_isRejected() {
        List<Backend> backends = List.of(TestBackends.backend("app", "a", 0));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> BackendChoice.checkedCopy(backends))
                .withMessage("backend app/a:80: weight must be 1 to 1000, got 0");
    }

    @Test
    void compareLoad_sameRequestsPerWeight_isEqual() {
        List<Backend> backends = TestBackends.weighted(2, 1);
        for (int i = 0; i < 4; i++) {
            backends.get(0).requestStarted();
        }
        backends.get(1).requestStarted();
        backends.get(1).requestStarted();

        assertThat(BackendChoice.compareLoad(backends.get(0), backends.get(1))).isZero();
    }

    @Test
    void compareLoad_fewerRequestsPerWeight_isLess() {
        List<Backend> backends = TestBackends.weighted(3, 1);
        for (int i = 0; i < 5; i++) {
            backends.get(0).requestStarted();
        }
        backends.get(1).requestStarted();
        backends.get(1).requestStarted();

        assertThat(BackendChoice.compareLoad(backends.get(0), backends.get(1))).isNegative();
        assertThat(BackendChoice.compareLoad(backends.get(1), backends.get(0))).isPositive();
    }

    @Test
    void isCandidate_availableOrAvoided_answersBoth() {
        List<Backend> backends = TestBackends.weighted(1, 1);
        backends.get(1).setAvailable(false);

        assertThat(BackendChoice.isCandidate(backends.get(0), null)).isTrue();
        assertThat(BackendChoice.isCandidate(backends.get(0), backends.get(0))).isFalse();
        assertThat(BackendChoice.isCandidate(backends.get(1), null)).isFalse();
    }
}
