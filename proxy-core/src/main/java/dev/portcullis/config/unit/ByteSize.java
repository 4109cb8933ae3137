package dev.portcullis.config.unit;

import dev.portcullis.config.validate.ConfigProblem;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, written in the configuration as {@code 512}, {@code 512B}, {@code 16KiB},
 * {@code 10MiB}, {@code 1GiB} or {@code 1TiB} (powers of 1024; {@code KB}, {@code MB}, {@code GB}
 * and {@code TB} are accepted as the same powers of 1024, since that is what operators mean by them
 * here).
 */
public record ByteSize(long bytes) {

    private static final Pattern SIZE = Pattern.compile("([0-9]+)(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?");
    private static final int MAX_DIGITS = 18;

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative (got " + bytes + ")");
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize ofKibibytes(long kibibytes) {
        return new ByteSize(Math.multiplyExact(kibibytes, 1024L));
    }

    public static ByteSize ofMebibytes(long mebibytes) {
        return new ByteSize(Math.multiplyExact(mebibytes, 1024L * 1024L));
    }

    /**
     * Parses a size as written in the configuration: a whole number of bytes, optionally followed
     * by a unit ({@code B}, {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}, or the same powers
     * of 1024 written {@code KB}, {@code MB}, {@code GB}, {@code TB}). Units are case-sensitive and
     * follow the number without a space.
     *
     * @throws IllegalArgumentException with a message that quotes the text and gives the rule
     */
    public static ByteSize parse(String text) {
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "not a size (a whole number, optionally followed by B, KiB, MiB, GiB or TiB,"
                            + " e.g. 16KiB): "
                            + ConfigProblem.quote(text));
        }
        String digits = matcher.group(1);
        String unit = matcher.group(2);
        try {
            if (digits.length() > MAX_DIGITS) {
                throw new ArithmeticException("too many digits");
            }
            long number = Long.parseLong(digits);
            return new ByteSize(Math.multiplyExact(number, unitBytes(unit == null ? "B" : unit)));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "too large for a size: " + ConfigProblem.quote(text), e);
        }
    }

    private static long unitBytes(String unit) {
        return switch (unit) {
            case "KiB", "KB" -> 1L << 10;
            case "MiB", "MB" -> 1L << 20;
            case "GiB", "GB" -> 1L << 30;
            case "TiB", "TB" -> 1L << 40;
            default -> 1L;
        };
    }

    /** The size as an {@code int}, saturated at {@link Integer#MAX_VALUE}. */
    public int toIntSaturated() {
        return (int) Math.min(bytes, Integer.MAX_VALUE);
    }

    /**
     * The size in the largest unit that divides it exactly, such as {@code 16KiB} or {@code 0B}.
     */
    @Override
    public String toString() {
        long unit = 1L << 40;
        if (bytes != 0 && bytes % unit == 0) {
            return bytes / unit + "TiB";
        }
        unit /= 1024L;
        if (bytes != 0 && bytes % unit == 0) {
            return bytes / unit + "GiB";
        }
        unit /= 1024L;
        if (bytes != 0 && bytes % unit == 0) {
            return bytes / unit + "MiB";
        }
        unit /= 1024L;
        if (bytes != 0 && bytes % unit == 0) {
            return bytes / unit + "KiB";
        }
        return bytes + "B";
    }
}
