package dev.portcullis.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemsTest {

    @Test
    void sorted_ordersByLineThenPath() {
        Problems problems = new Problems();
        problems.add("routes", 9, "c");
        problems.add("limits.b", 4, "b");
        problems.add("limits.a", 4, "a");
        problems.add("listeners", 0, "missing");

        assertThat(problems.sorted())
                .extracting(ConfigProblem::path)
                .containsExactly("listeners", "limits.a", "limits.b", "routes");
    }

    @Test
    void sorted_sameProblemTwice_reportsItOnce() {
        Problems problems = new Problems();
        problems.add("a", 1, "x");
        problems.add("a", 1, "x");

        assertThat(problems.sorted()).hasSize(1);
        assertThat(problems.count()).isEqualTo(2);
    }

    @Test
    void hasProblemAt_matchesPathAndLine() {
        Problems problems = new Problems();
        problems.add("limits.max_headers", 2, "x");

        assertThat(problems.hasProblemAt("limits.max_headers", 2)).isTrue();
        assertThat(problems.hasProblemAt("limits.max_headers", 3)).isFalse();
        assertThat(problems.hasProblemAt("limits", 2)).isFalse();
    }

    @Test
    void isEmpty_nothingAdded_isTrue() {
        assertThat(new Problems().isEmpty()).isTrue();
    }
}
