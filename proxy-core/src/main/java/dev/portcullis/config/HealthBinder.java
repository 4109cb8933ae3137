package dev.portcullis.config;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import dev.portcullis.config.unit.Durations;
import dev.portcullis.config.validate.Problems;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Binds how an upstream finds out that a backend is down: {@code upstreams[].health_check} (active
 * checks) and {@code upstreams[].outlier} (passive ejection). Every value is checked against its
 * range here, so the records' own checks never see a bad value and a mistake is always a problem
 * with its path and line.
 */
final class HealthBinder {

    static final String[] HEALTH_CHECK_KEYS = {
        "type",
        "path",
        "interval",
        "jitter",
        "timeout",
        "expected_status",
        "healthy",
        "unhealthy",
        "check_before_traffic",
        "host"
    };

    static final String[] OUTLIER_KEYS = {
        "consecutive_failures",
        "consecutive_5xx",
        "base_ejection",
        "max_ejection",
        "max_ejection_percent"
    };

    /** The keys that only an HTTP check reads. */
    private static final String[] HTTP_ONLY_KEYS = {"path", "expected_status", "host"};

    private static final ValueParser<Duration> INTERVAL =
            Values.duration(Duration.ofMillis(100), Duration.ofHours(1));
    private static final ValueParser<Integer> JITTER = Values.percentage(0, 100);
    private static final ValueParser<Duration> TIMEOUT =
            Values.duration(Duration.ofMillis(10), Duration.ofMinutes(1));
    private static final ValueParser<Integer> THRESHOLD = Values.integer(1, 100);
    private static final ValueParser<Integer> FAILURES_IN_A_ROW = Values.integer(0, 1000);
    private static final ValueParser<Duration> BASE_EJECTION =
            Values.duration(Duration.ofSeconds(1), Duration.ofHours(1));
    private static final ValueParser<Duration> MAX_EJECTION =
            Values.duration(Duration.ofSeconds(1), Duration.ofDays(1));
    private static final ValueParser<Integer> EJECTION_PERCENT = Values.integer(10, 100);

    /** What an HTTP check sends and accepts; a tcp check may not set any of it. */
    private record HttpRequest(
            String path, HealthCheckValues.StatusRange expected, @Nullable String host) {}

    private HealthBinder() {}

    /** The active checks of an upstream, or null when it has no {@code health_check}. */
    static @Nullable HealthCheckConfig healthCheck(MappingReader upstream, Problems problems) {
        if (!upstream.has("health_check")) {
            return null;
        }
        MappingReader section = upstream.section("health_check", HEALTH_CHECK_KEYS);
        HealthCheckConfig defaults = HealthCheckConfig.defaults();
        HealthCheckKind kind =
                section.value("type", Values.choice(HealthCheckKind.class), defaults.kind());
        HttpRequest http = httpRequest(section, kind, problems);
        Duration interval = section.value("interval", INTERVAL);
        boolean intervalKnown = interval != null || !section.has("interval");
        Duration checkInterval = interval == null ? defaults.interval() : interval;
        Integer jitterPercent = section.value("jitter", JITTER);

        return new HealthCheckConfig(
                kind,
                http.path(),
                checkInterval,
                jitterPercent == null ? defaults.jitter() : jitterPercent / 100.0,
                timeout(section, checkInterval, intervalKnown, problems),
                http.expected().from(),
                http.expected().to(),
                section.value("healthy", THRESHOLD, defaults.healthy()),
                section.value("unhealthy", THRESHOLD, defaults.unhealthy()),
                section.value("check_before_traffic", Values.bool(), defaults.checkBeforeTraffic()),
                http.host());
    }

    private static HttpRequest httpRequest(
            MappingReader section, HealthCheckKind kind, Problems problems) {
        HealthCheckConfig defaults = HealthCheckConfig.defaults();
        HealthCheckValues.StatusRange defaultExpected =
                new HealthCheckValues.StatusRange(
                        defaults.expectedStatusFrom(), defaults.expectedStatusTo());
        if (kind == HealthCheckKind.TCP) {
            refuseHttpOnlyKeys(section, problems);
            return new HttpRequest(defaults.path(), defaultExpected, null);
        }
        return new HttpRequest(
                section.value("path", HealthCheckValues.path(), defaults.path()),
                section.value("expected_status", HealthCheckValues.statusRange(), defaultExpected),
                section.value("host", HealthCheckValues.host()));
    }

    /**
     * The check's timeout, which must end before the next check is due. When it is not written it
     * is the default or half the interval, whichever is shorter, so shortening only the interval
     * stays valid.
     */
    private static Duration timeout(
            MappingReader section, Duration interval, boolean intervalKnown, Problems problems) {
        Duration timeout = section.value("timeout", TIMEOUT);
        if (timeout == null) {
            Duration fallback = HealthCheckConfig.defaults().timeout();
            Duration half = interval.dividedBy(2);
            return half.compareTo(fallback) < 0 ? half : fallback;
        }
        if (intervalKnown && timeout.compareTo(interval) >= 0) {
            problems.add(
                    section.pathOf("timeout"),
                    section.lineOf("timeout"),
                    "must be less than interval ("
                            + Durations.format(interval)
                            + "): "
                            + quote(Durations.format(timeout)));
        }
        return timeout;
    }

    private static void refuseHttpOnlyKeys(MappingReader section, Problems problems) {
        for (String key : HTTP_ONLY_KEYS) {
            if (section.has(key)) {
                problems.add(
                        section.pathOf(key),
                        section.lineOf(key),
                        "only for type http; a tcp check only connects");
            }
        }
    }

    /** The passive ejection of an upstream; every key left out takes its default. */
    static OutlierConfig outlier(MappingReader section, Problems problems) {
        OutlierConfig defaults = OutlierConfig.defaults();
        Duration base = section.value("base_ejection", BASE_EJECTION);
        boolean baseKnown = base != null || !section.has("base_ejection");
        Duration baseEjection = base == null ? defaults.baseEjection() : base;

        return new OutlierConfig(
                section.value(
                        "consecutive_failures",
                        FAILURES_IN_A_ROW,
                        defaults.consecutiveLocalFailures()),
                section.value("consecutive_5xx", FAILURES_IN_A_ROW, defaults.consecutive5xx()),
                baseEjection,
                maxEjection(section, baseEjection, baseKnown, problems),
                section.value(
                        "max_ejection_percent", EJECTION_PERCENT, defaults.maxEjectionPercent()));
    }

    /**
     * The longest ejection, which may not be shorter than the first. When it is not written it is
     * the default or {@code base_ejection}, whichever is longer, so lengthening only the base stays
     * valid.
     */
    private static Duration maxEjection(
            MappingReader section, Duration base, boolean baseKnown, Problems problems) {
        Duration max = section.value("max_ejection", MAX_EJECTION);
        if (max == null) {
            Duration fallback = OutlierConfig.defaults().maxEjection();
            return base.compareTo(fallback) > 0 ? base : fallback;
        }
        if (max.compareTo(base) >= 0) {
            return max;
        }
        if (baseKnown) {
            problems.add(
                    section.pathOf("max_ejection"),
                    section.lineOf("max_ejection"),
                    "must not be less than base_ejection ("
                            + Durations.format(base)
                            + "): "
                            + quote(Durations.format(max)));
        }
        // Whatever was refused is reported; the record is still built, and never used.
        return base;
    }
}
