package dev.portcullis.config;

import dev.portcullis.config.unit.Durations;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Passive outlier detection of an upstream's backends ({@code upstreams[].outlier}): a backend that
 * fails requests in a row is taken out of the rotation for a while, longer each time it happens
 * again.
 *
 * <p>Local failures (connect refused or timed out, connection reset, response timeout) and 5xx
 * responses are counted apart. Ejection on 5xx is off by default: anyone who finds a URL that makes
 * the application answer 500 could otherwise eject backend after backend by requesting it. Turn it
 * on only for upstreams whose 5xx responses mean the backend itself is sick.
 *
 * <p>Each component is the YAML key of the same name, except {@code consecutiveLocalFailures}
 * ({@code consecutive_failures}).
 *
 * @param consecutiveLocalFailures local failures in a row that eject a backend; 0 turns it off
 * @param consecutive5xx 5xx responses in a row that eject a backend; 0 (the default) turns it off
 * @param baseEjection the first ejection's length; the n-th in a row lasts {@code base × 2^(n-1)}
 * @param maxEjection the longest an ejection lasts
 * @param maxEjectionPercent 10 to 100: at most this share of the upstream's backends is ejected at
 *     once; an ejection beyond it does not happen. An upstream of one backend only ejects at 100
 */
public record OutlierConfig(
        int consecutiveLocalFailures,
        int consecutive5xx,
        Duration baseEjection,
        Duration maxEjection,
        int maxEjectionPercent) {

    /**
     * @throws IllegalArgumentException when a value is outside its range; the configuration binder
     *     reports these with their YAML path before a record is ever built
     */
    public OutlierConfig {
        String off = "must be >= 0 (0 turns it off)";
        require(
                consecutiveLocalFailures >= 0,
                "consecutive_failures",
                consecutiveLocalFailures,
                off);
        require(consecutive5xx >= 0, "consecutive_5xx", consecutive5xx, off);
        require(isPositive(baseEjection), "base_ejection", baseEjection, "must be > 0");
        require(
                maxEjection.compareTo(baseEjection) >= 0,
                "max_ejection",
                maxEjection,
                "must be >= base_ejection " + Durations.format(baseEjection));
        require(
                maxEjectionPercent >= 10 && maxEjectionPercent <= 100,
                "max_ejection_percent",
                maxEjectionPercent,
                "must be from 10 to 100");
    }

    /** Eject after 5 local failures in a row, not on 5xx; 30 s growing to 5 min; at most 50 %. */
    public static OutlierConfig defaults() {
        return new OutlierConfig(5, 0, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);
    }

    /** Whether either counter can eject a backend. */
    public boolean enabled() {
        return consecutiveLocalFailures > 0 || consecutive5xx > 0;
    }

    /**
     * The length of an ejection.
     *
     * @param ejection 1 for the first ejection of a series, 2 for the next, ...
     * @return {@code baseEjection × 2^(ejection-1)}, at most {@code maxEjection}
     */
    public Duration ejectionTime(int ejection) {
        long max = maxEjection.toNanos();
        long nanos = baseEjection.toNanos();
        for (int i = 1; i < ejection && nanos < max; i++) {
            nanos = nanos > max / 2 ? max : nanos * 2;
        }
        return Duration.ofNanos(Math.min(nanos, max));
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean valid, String key, Object value, String rule) {
        if (!valid) {
            throw new IllegalArgumentException(
                    "outlier." + key + ": got " + shown(value) + ", " + rule);
        }
    }

    private static String shown(@Nullable Object value) {
        return value instanceof Duration duration
                ? Durations.format(duration)
                : String.valueOf(value);
    }
}
