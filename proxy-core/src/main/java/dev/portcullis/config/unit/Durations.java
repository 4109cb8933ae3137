package dev.portcullis.config.unit;

import dev.portcullis.config.validate.ConfigProblem;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the configuration: a whole number and a unit, {@code 500ms}, {@code 10s},
 * {@code 15m}, {@code 2h} or {@code 1d}. A bare number is refused rather than guessed at, since
 * "10" could mean seconds or milliseconds.
 */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final int MAX_DIGITS = 18;

    private Durations() {}

    /**
     * Parses {@code <number><unit>} with unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code
     * d}.
     *
     * @throws IllegalArgumentException with a message that quotes the text and gives the rule
     */
    public static Duration parse(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            if (NUMBER.matcher(text).matches()) {
                throw new IllegalArgumentException(
                        "a duration needs a unit, e.g. 10s: " + ConfigProblem.quote(text));
            }
            throw new IllegalArgumentException(
                    "not a duration (a whole number followed by ms, s, m, h or d, e.g. 10s): "
                            + ConfigProblem.quote(text));
        }
        String digits = matcher.group(1);
        try {
            if (digits.length() > MAX_DIGITS) {
                throw new ArithmeticException("too many digits");
            }
            return of(Long.parseLong(digits), matcher.group(2));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "too large for a duration: " + ConfigProblem.quote(text), e);
        }
    }

    private static Duration of(long amount, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /**
     * Writes a duration the way the configuration does, in the largest unit that divides it exactly
     * ({@code 90s}, {@code 15m}, {@code 1d}); a duration finer than a millisecond is written in
     * ISO-8601 form.
     */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toNanosPart() % 1_000_000 != 0 || duration.isNegative()) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }
}
