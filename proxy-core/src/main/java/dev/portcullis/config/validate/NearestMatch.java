package dev.portcullis.config.validate;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the known names closest to a misspelt one, by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbours each count one), ignoring case.
 */
public final class NearestMatch {

    private static final int MAX_COMPARED_LENGTH = 256;

    private NearestMatch() {}

    /**
     * The candidate closest to {@code input}, if it is close enough to be what was meant: within
     * about a third of the candidate's length, at least 2 and at most 4 edits.
     */
    public static Optional<String> nearest(String input, Collection<String> candidates) {
        return rankedByDistance(input, candidates).stream()
                .filter(candidate -> distance(input, candidate) <= tolerance(candidate))
                .findFirst();
    }

    /** All candidates, nearest to {@code input} first, ties in alphabetical order. */
    public static List<String> rankedByDistance(String input, Collection<String> candidates) {
        return candidates.stream()
                .distinct()
                .sorted(
                        Comparator.comparingInt((String candidate) -> distance(input, candidate))
                                .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    private static int tolerance(String candidate) {
        return Math.min(4, Math.max(2, (candidate.length() + 2) / 3));
    }

    /**
     * The optimal string alignment distance between the lower-case forms of both strings. A string
     * longer than any name could be counts as wholly different, which keeps the work bounded.
     */
    static int distance(String first, String second) {
        if (first.length() > MAX_COMPARED_LENGTH || second.length() > MAX_COMPARED_LENGTH) {
            return Math.max(first.length(), second.length());
        }
        String a = first.toLowerCase(Locale.ROOT);
        String b = second.toLowerCase(Locale.ROOT);
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best =
                        Math.min(
                                d[i - 1][j] + 1, Math.min(d[i][j - 1] + 1, d[i - 1][j - 1] + cost));
                if (i > 1
                        && j > 1
                        && a.charAt(i - 1) == b.charAt(j - 2)
                        && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }
}
