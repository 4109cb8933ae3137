package dev.portcullis.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A pool of interchangeable backends ({@code upstreams[]}).
 *
 * @param retries further attempts after the first fails, within the retry rules
 * @param tls how {@code https://} backends are verified
 * @param healthCheck active health checks, or null for none
 * @param outlier passive ejection of failing backends
 * @param circuitBreaker per-backend caps beyond which requests fail fast with 503
 * @param retryBudget the share of requests that may be retries
 * @param dnsRefresh how often backend host names are resolved again; zero means never
 */
public record UpstreamConfig(
        String name,
        BalancePolicy balance,
        List<BackendConfig> backends,
        int retries,
        UpstreamTimeouts timeouts,
        PoolConfig pool,
        BackendTlsConfig tls,
        @Nullable HealthCheckConfig healthCheck,
        OutlierConfig outlier,
        CircuitBreakerConfig circuitBreaker,
        RetryBudgetConfig retryBudget,
        Duration dnsRefresh) {

    /** The policy of an upstream that does not name one. */
    public static final BalancePolicy DEFAULT_BALANCE = BalancePolicy.ROUND_ROBIN;

    /** The retries of an upstream that does not give a number. */
    public static final int DEFAULT_RETRIES = 1;

    /** How often backend names are resolved again when {@code dns_refresh} is left out. */
    public static final Duration DEFAULT_DNS_REFRESH = Duration.ofSeconds(30);

    public UpstreamConfig {
        backends = List.copyOf(backends);
        if (dnsRefresh.isNegative()) {
            throw new IllegalArgumentException(
                    "dns_refresh must not be negative (got " + dnsRefresh + ")");
        }
    }

    /**
     * An upstream with default verification of {@code https} backends, no active health checks, and
     * the default outlier detection, circuit breaker, retry budget and DNS refresh.
     */
    public UpstreamConfig(
            String name,
            BalancePolicy balance,
            List<BackendConfig> backends,
            int retries,
            UpstreamTimeouts timeouts,
            PoolConfig pool) {
        this(
                name,
                balance,
                backends,
                retries,
                timeouts,
                pool,
                BackendTlsConfig.verifyWithDefaultTrust(),
                null,
                OutlierConfig.defaults(),
                CircuitBreakerConfig.defaults(),
                RetryBudgetConfig.defaults(),
                DEFAULT_DNS_REFRESH);
    }
}
