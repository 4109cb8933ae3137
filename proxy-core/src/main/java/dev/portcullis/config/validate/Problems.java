package dev.portcullis.config.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the problems found while reading and binding one configuration, so that every problem is
 * reported at once instead of stopping at the first. Not thread-safe: one instance serves one load.
 */
public final class Problems {

    private static final Comparator<ConfigProblem> BY_LINE_THEN_PATH =
            Comparator.comparingInt(ConfigProblem::line)
                    .thenComparing(ConfigProblem::path)
                    .thenComparing(ConfigProblem::message);

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<Position> positions = new HashSet<>();

    /** Records a problem; {@code line} 0 means no line applies. */
    public void add(String path, int line, String message) {
        problems.add(new ConfigProblem(path, line, message));
        positions.add(new Position(path, line));
    }

    /**
     * Whether a problem is already recorded at this path and line, so that a later step need not
     * report the same value again.
     */
    public boolean hasProblemAt(String path, int line) {
        return positions.contains(new Position(path, line));
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The number of problems recorded so far. */
    public int count() {
        return problems.size();
    }

    /** The problems sorted by line, then path, each reported once. */
    public List<ConfigProblem> sorted() {
        return problems.stream().distinct().sorted(BY_LINE_THEN_PATH).toList();
    }

    private record Position(String path, int line) {}
}
