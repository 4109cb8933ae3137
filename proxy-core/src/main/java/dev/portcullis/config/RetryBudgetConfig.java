package dev.portcullis.config;

/**
 * How many retries an upstream may send ({@code upstreams[].retry_budget}): at most {@code percent}
 * of its requests in the last ten seconds, but always at least {@code minPerSecond} per second, so
 * that a quiet upstream can still retry. A dying backend then cannot double the load on the others.
 *
 * @param percent share of requests that may be retries, 0 to 100 (default 20)
 * @param minPerSecond retries always allowed per second (default 3)
 */
public record RetryBudgetConfig(int percent, int minPerSecond) {

    public RetryBudgetConfig {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException(
                    "retry_budget.percent must be between 0 and 100 (got " + percent + ")");
        }
        if (minPerSecond < 0) {
            throw new IllegalArgumentException(
                    "retry_budget.min_per_second must not be negative (got " + minPerSecond + ")");
        }
    }

    public static RetryBudgetConfig defaults() {
        return new RetryBudgetConfig(20, 3);
    }
}
