package dev.portcullis.config;

import dev.portcullis.config.validate.CrossChecks;
import dev.portcullis.config.validate.Located;
import dev.portcullis.config.validate.Problems;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Binds {@code upstreams}: named groups of backends with their balancing, timeouts, pool, backend
 * TLS, health checks, outlier ejection, circuit breaker, retry budget and DNS refresh.
 */
final class UpstreamBinder {

    /**
     * The upstreams that bound completely, and the name of every upstream whose name was valid, so
     * that routes can be checked against what the operator meant even when an upstream has other
     * problems.
     */
    record Upstreams(List<UpstreamConfig> configs, List<String> names) {}

    private static final ValueParser<Integer> WEIGHT = Values.integer(1, 1000);
    private static final ValueParser<Integer> RETRIES = Values.integer(0, 5);
    private static final ValueParser<Duration> CONNECT =
            Values.duration(Duration.ofMillis(10), Duration.ofMinutes(5));
    private static final ValueParser<Duration> RESPONSE_HEADER =
            Values.duration(Duration.ofMillis(100), Duration.ofHours(1));
    private static final ValueParser<Duration> IDLE =
            Values.duration(Duration.ofSeconds(1), Duration.ofHours(1));
    private static final ValueParser<Integer> MAX_IDLE_PER_LOOP = Values.integer(0, 10_000);
    private static final ValueParser<Duration> POOL_IDLE_TIMEOUT =
            Values.duration(Duration.ofMillis(100), Duration.ofHours(1));
    private static final ValueParser<Integer> BREAKER_CONNECTIONS = Values.integer(1, 1_000_000);
    private static final ValueParser<Integer> BREAKER_PENDING = Values.integer(0, 1_000_000);
    private static final ValueParser<Integer> BUDGET_PERCENT = Values.integer(0, 100);
    private static final ValueParser<Integer> BUDGET_MIN_PER_SECOND = Values.integer(0, 10_000);
    private static final ValueParser<Duration> DNS_REFRESH =
            Values.durationOrZero(Duration.ofSeconds(1), Duration.ofDays(1));

    private UpstreamBinder() {}

    /**
     * @param paths resolves CA file names against the configuration file's directory
     */
    static Upstreams bind(MappingReader top, ValueParser<Path> paths, Problems problems) {
        List<UpstreamConfig> configs = new ArrayList<>();
        List<Located<String>> names = new ArrayList<>();
        List<MappingReader> items =
                top.requiredItems(
                        "upstreams",
                        "upstream",
                        "name",
                        "balance",
                        "backends",
                        "retries",
                        "timeouts",
                        "pool",
                        "tls",
                        "health_check",
                        "outlier",
                        "circuit_breaker",
                        "retry_budget",
                        "dns_refresh");
        for (MappingReader item : items) {
            String name = item.required("name", Values.name());
            UpstreamConfig upstream = upstream(item, name, paths, problems);
            if (name != null) {
                names.add(item.located("name", name));
            }
            if (upstream != null) {
                configs.add(upstream);
            }
        }
        CrossChecks.uniqueNames(names, problems);
        return new Upstreams(configs, names.stream().map(Located::value).toList());
    }

    /** Binds every key of one upstream; the upstream, or null when it has no valid name. */
    private static @Nullable UpstreamConfig upstream(
            MappingReader item, @Nullable String name, ValueParser<Path> paths, Problems problems) {
        BalancePolicy balance =
                item.value(
                        "balance",
                        Values.choice(BalancePolicy.class),
                        UpstreamConfig.DEFAULT_BALANCE);
        List<BackendConfig> backends = backends(item, problems);
        int retries = item.value("retries", RETRIES, UpstreamConfig.DEFAULT_RETRIES);
        UpstreamTimeouts timeouts =
                timeouts(item.section("timeouts", "connect", "response_header", "idle"));
        PoolConfig pool = pool(item.section("pool", "max_idle_per_loop", "idle_timeout"));
        BackendTlsConfig tls =
                tls(item.section("tls", "ca_file", "insecure_skip_verify"), paths, problems);
        HealthCheckConfig healthCheck = HealthBinder.healthCheck(item, problems);
        OutlierConfig outlier =
                HealthBinder.outlier(item.section("outlier", HealthBinder.OUTLIER_KEYS), problems);
        CircuitBreakerConfig circuitBreaker =
                circuitBreaker(item.section("circuit_breaker", "max_connections", "max_pending"));
        RetryBudgetConfig retryBudget =
                retryBudget(item.section("retry_budget", "percent", "min_per_second"));
        Duration dnsRefresh =
                item.value("dns_refresh", DNS_REFRESH, UpstreamConfig.DEFAULT_DNS_REFRESH);

        if (name == null) {
            return null;
        }
        return new UpstreamConfig(
                name,
                balance,
                backends,
                retries,
                timeouts,
                pool,
                tls,
                healthCheck,
                outlier,
                circuitBreaker,
                retryBudget,
                dnsRefresh);
    }

    private static List<BackendConfig> backends(MappingReader upstream, Problems problems) {
        List<BackendConfig> backends = new ArrayList<>();
        List<Located<String>> authorities = new ArrayList<>();
        for (MappingReader item : upstream.requiredItems("backends", "backend", "url", "weight")) {
            URI url = item.required("url", AddressValues.backendUrl());
            int weight = item.value("weight", WEIGHT, BackendConfig.DEFAULT_WEIGHT);
            if (url != null) {
                BackendConfig backend = new BackendConfig(url, weight);
                backends.add(backend);
                authorities.add(item.located("url", backend.authority()));
            }
        }
        CrossChecks.uniqueBackends(authorities, problems);
        return backends;
    }

    private static UpstreamTimeouts timeouts(MappingReader section) {
        UpstreamTimeouts defaults = UpstreamTimeouts.defaults();
        return new UpstreamTimeouts(
                section.value("connect", CONNECT, defaults.connect()),
                section.value("response_header", RESPONSE_HEADER, defaults.responseHeader()),
                section.value("idle", IDLE, defaults.idle()));
    }

    private static PoolConfig pool(MappingReader section) {
        PoolConfig defaults = PoolConfig.defaults();
        return new PoolConfig(
                section.value("max_idle_per_loop", MAX_IDLE_PER_LOOP, defaults.maxIdlePerLoop()),
                section.value("idle_timeout", POOL_IDLE_TIMEOUT, defaults.idleTimeout()));
    }

    /**
     * How {@code https} backends are verified. Skipping verification and naming a CA to verify
     * against contradict each other, so they are refused together.
     */
    private static BackendTlsConfig tls(
            MappingReader section, ValueParser<Path> paths, Problems problems) {
        BackendTlsConfig defaults = BackendTlsConfig.verifyWithDefaultTrust();
        Path caFile = section.value("ca_file", paths);
        boolean insecure =
                section.value("insecure_skip_verify", Values.bool(), defaults.insecureSkipVerify());
        if (insecure && section.has("ca_file")) {
            problems.add(
                    section.pathOf("insecure_skip_verify"),
                    section.lineOf("insecure_skip_verify"),
                    "not together with ca_file at "
                            + section.located("ca_file", "").where()
                            + ": nothing is verified against the CA when verification is off");
        }
        return new BackendTlsConfig(caFile, insecure);
    }

    private static CircuitBreakerConfig circuitBreaker(MappingReader section) {
        CircuitBreakerConfig defaults = CircuitBreakerConfig.defaults();
        return new CircuitBreakerConfig(
                section.value("max_connections", BREAKER_CONNECTIONS, defaults.maxConnections()),
                section.value("max_pending", BREAKER_PENDING, defaults.maxPending()));
    }

    private static RetryBudgetConfig retryBudget(MappingReader section) {
        RetryBudgetConfig defaults = RetryBudgetConfig.defaults();
        return new RetryBudgetConfig(
                section.value("percent", BUDGET_PERCENT, defaults.percent()),
                section.value("min_per_second", BUDGET_MIN_PER_SECOND, defaults.minPerSecond()));
    }
}
