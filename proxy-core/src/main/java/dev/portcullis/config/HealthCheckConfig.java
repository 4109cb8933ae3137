package dev.portcullis.config;

import dev.portcullis.config.unit.Durations;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Active health checks of an upstream's backends ({@code upstreams[].health_check}). An upstream
 * without this section has no active checks: its backends take traffic until passive outlier
 * detection ejects them.
 *
 * <p>A backend changes state only after several results in a row (hysteresis), so that one lost
 * probe neither takes a backend out nor lets a flapping one back in.
 *
 * <p>Each component is the YAML key of the same name, except {@code kind} ({@code type}), {@code
 * expectedStatusFrom} and {@code expectedStatusTo} (both written as one {@code expected_status},
 * {@code 200-399} or {@code 204}), {@code jitter} (written as a percentage, {@code 10%}) and {@code
 * hostHeader} ({@code host}).
 *
 * @param kind {@code http} (a {@code GET} of {@code path}) or {@code tcp} (a connect)
 * @param path the origin-form path and query of the HTTP check, starting with {@code /}
 * @param interval time from the end of one check of a backend to the start of the next
 * @param jitter 0 to 1: each interval is lengthened or shortened by up to this fraction of itself,
 *     so that the checks of many proxies do not arrive in step
 * @param timeout for connect and response together; a check without an answer by then fails
 * @param expectedStatusFrom the lowest status that passes an HTTP check
 * @param expectedStatusTo the highest status that passes an HTTP check
 * @param healthy passing checks in a row that make an unhealthy backend healthy again
 * @param unhealthy failing checks in a row that make a healthy backend unhealthy
 * @param checkBeforeTraffic whether a backend that was never checked takes no traffic until its
 *     first check passes (otherwise it takes traffic until a check fails)
 * @param hostHeader the {@code Host} of the HTTP check; {@code null} sends the backend's {@code
 *     host:port}
 */
public record HealthCheckConfig(
        HealthCheckKind kind,
        String path,
        Duration interval,
        double jitter,
        Duration timeout,
        int expectedStatusFrom,
        int expectedStatusTo,
        int healthy,
        int unhealthy,
        boolean checkBeforeTraffic,
        @Nullable String hostHeader) {

    /**
     * @throws IllegalArgumentException when a value is outside its range; the configuration binder
     *     reports these with their YAML path before a record is ever built
     */
    public HealthCheckConfig {
        require(isOriginForm(path), "path", path, "must start with / and hold no space or control");
        require(isPositive(interval), "interval", interval, "must be > 0");
        require(jitter >= 0 && jitter <= 1, "jitter", jitter, "must be from 0 to 1");
        require(isPositive(timeout), "timeout", timeout, "must be > 0");
        require(
                expectedStatusFrom >= 100 && expectedStatusFrom <= expectedStatusTo,
                "expected_status",
                expectedStatusFrom + ".." + expectedStatusTo,
                "must be a range within 100..599");
        require(expectedStatusTo <= 599, "expected_status", expectedStatusTo, "must be <= 599");
        require(healthy >= 1, "healthy", healthy, "must be >= 1");
        require(unhealthy >= 1, "unhealthy", unhealthy, "must be >= 1");
        require(
                hostHeader == null || isHeaderValue(hostHeader),
                "host",
                hostHeader,
                "must be non-empty and hold no space or control");
    }

    /**
     * An HTTP check of {@code /} every 5 s (±10 %) with a 2 s timeout, passing on 200 to 399,
     * healthy after 2 passes and unhealthy after 3 failures, no traffic before the first pass.
     */
    public static HealthCheckConfig defaults() {
        return new HealthCheckConfig(
                HealthCheckKind.HTTP,
                "/",
                Duration.ofSeconds(5),
                0.1,
                Duration.ofSeconds(2),
                200,
                399,
                2,
                3,
                true,
                null);
    }

    /** Whether an HTTP check answered with this status passes. */
    public boolean passes(int status) {
        return status >= expectedStatusFrom && status <= expectedStatusTo;
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    // The path goes into a request line as it is: a space or CR/LF in it would let the
    // configuration write a second request (the CRLF-injection class of CVE-2025-67735).
    private static boolean isOriginForm(String path) {
        return path.startsWith("/") && isHeaderValue(path);
    }

    private static boolean isHeaderValue(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean valid, String key, @Nullable Object value, String rule) {
        if (!valid) {
            throw new IllegalArgumentException(
                    "health_check." + key + ": got " + shown(value) + ", " + rule);
        }
    }

    private static String shown(@Nullable Object value) {
        return value instanceof Duration duration
                ? Durations.format(duration)
                : String.valueOf(value);
    }
}
