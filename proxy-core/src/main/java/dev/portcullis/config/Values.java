package dev.portcullis.config;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.config.unit.Durations;
import dev.portcullis.config.validate.NearestMatch;
import dev.portcullis.net.Cidr;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the plain kinds of value: numbers, switches, choices, units, names and blocks. */
final class Values {

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,10}");
    private static final Pattern DIGITS = Pattern.compile("-?[0-9]+");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern PERCENTAGE = Pattern.compile("([0-9]+)%");

    private Values() {}

    /** A whole number from {@code min} to {@code max}. */
    static ValueParser<Integer> integer(int min, int max) {
        return text -> {
            if (!DIGITS.matcher(text).matches()) {
                throw new IllegalArgumentException("not a whole number: " + quote(text));
            }
            long value = INTEGER.matcher(text).matches() ? Long.parseLong(text) : Long.MAX_VALUE;
            if (value < min || value > max) {
                throw outOfRange(String.valueOf(min), String.valueOf(max), text);
            }
            return (int) value;
        };
    }

    /**
     * {@code true} or {@code false}, nothing else: YAML's {@code yes} and {@code on} are refused.
     */
    static ValueParser<Boolean> bool() {
        return text -> {
            if (text.equals("true") || text.equals("false")) {
                return Boolean.valueOf(text);
            }
            throw new IllegalArgumentException("must be true or false: " + quote(text));
        };
    }

    /** One of the enum's constants, written in lower snake case ({@code least_connections}). */
    static <E extends Enum<E>> ValueParser<E> choice(Class<E> type) {
        Map<String, E> byName = new LinkedHashMap<>();
        for (E constant : type.getEnumConstants()) {
            byName.put(constant.name().toLowerCase(Locale.ROOT), constant);
        }
        List<String> names = List.copyOf(byName.keySet());
        return text -> {
            E constant = byName.get(text);
            if (constant != null) {
                return constant;
            }
            String hint =
                    NearestMatch.nearest(text, names)
                            .map(nearest -> "; did you mean " + nearest + "?")
                            .orElse("");
            throw new IllegalArgumentException(
                    "must be one of " + String.join(", ", names) + ": " + quote(text) + hint);
        };
    }

    /** A duration ({@link Durations#parse}) from {@code min} to {@code max}. */
    static ValueParser<Duration> duration(Duration min, Duration max) {
        return text -> {
            Duration value = Durations.parse(text);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw outOfRange(Durations.format(min), Durations.format(max), text);
            }
            return value;
        };
    }

    /**
     * A duration that is either zero, meaning "never" (written {@code 0s}), or from {@code min} to
     * {@code max}.
     */
    static ValueParser<Duration> durationOrZero(Duration min, Duration max) {
        return text -> {
            Duration value = Durations.parse(text);
            if (!value.isZero() && (value.compareTo(min) < 0 || value.compareTo(max) > 0)) {
                throw new IllegalArgumentException(
                        "must be 0s (never) or from "
                                + Durations.format(min)
                                + " to "
                                + Durations.format(max)
                                + ": "
                                + quote(text));
            }
            return value;
        };
    }

    /**
     * A whole percentage written with its sign ({@code 10%}), from {@code min} to {@code max}; the
     * sign is required so that {@code 10} is never read as a fraction or a count.
     */
    static ValueParser<Integer> percentage(int min, int max) {
        return text -> {
            Matcher matcher = PERCENTAGE.matcher(text);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(
                        DIGITS.matcher(text).matches()
                                ? "a percentage needs a % sign, e.g. 10%: " + quote(text)
                                : "not a percentage (a whole number followed by %, e.g. 10%): "
                                        + quote(text));
            }
            String digits = matcher.group(1);
            long value = digits.length() <= 10 ? Long.parseLong(digits) : Long.MAX_VALUE;
            if (value < min || value > max) {
                throw outOfRange(min + "%", max + "%", text);
            }
            return (int) value;
        };
    }

    /**
     * A file path. A relative path is resolved against {@code base}, the directory that holds the
     * configuration file, so that the file means the same wherever the process is started. Whether
     * the file exists is not checked here: the part that reads it does that, and reports its own
     * problem.
     */
    static ValueParser<Path> path(Path base) {
        return text -> {
            try {
                return base.resolve(text).normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(
                        "not a file path (" + e.getReason() + "): " + quote(text), e);
            }
        };
    }

    /**
     * A secret such as a bearer token: visible ASCII characters only, no spaces. A refused secret
     * is never repeated in the message, since problems are printed and logged.
     */
    static ValueParser<String> secret() {
        return text -> {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    throw new IllegalArgumentException(
                            "must be visible ASCII characters without spaces (the value is not"
                                    + " shown, as it is a secret)");
                }
            }
            return text;
        };
    }

    /** A size ({@link ByteSize#parse}) from {@code min} to {@code max}. */
    static ValueParser<ByteSize> size(ByteSize min, ByteSize max) {
        return text -> {
            ByteSize value = ByteSize.parse(text);
            if (value.bytes() < min.bytes() || value.bytes() > max.bytes()) {
                throw outOfRange(min.toString(), max.toString(), text);
            }
            return value;
        };
    }

    /**
     * The name of a listener, upstream or route: lower-case letters, digits, {@code _} and {@code
     * -}, starting with a letter or digit, so it fits metric labels and log fields unquoted.
     */
    static ValueParser<String> name() {
        return text -> {
            if (!NAME.matcher(text).matches()) {
                throw new IllegalArgumentException(
                        "a name must be lower-case letters, digits, '_' and '-', starting with a"
                                + " letter or digit: "
                                + quote(text));
            }
            return text;
        };
    }

    /** Any non-empty text, checked elsewhere (a reference to a name, for one). */
    static ValueParser<String> text() {
        return text -> text;
    }

    /** An IP address or CIDR block ({@link Cidr#parse}). */
    static ValueParser<Cidr> cidr() {
        return text -> {
            try {
                return Cidr.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + ": " + quote(text), e);
            }
        };
    }

    private static IllegalArgumentException outOfRange(String min, String max, String text) {
        return new IllegalArgumentException(
                "must be from " + min + " to " + max + ": " + quote(text));
    }
}
