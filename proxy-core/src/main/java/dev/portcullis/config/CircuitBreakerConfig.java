package dev.portcullis.config;

/**
 * Caps per backend beyond which a request fails fast with 503 instead of queueing without bound
 * ({@code upstreams[].circuit_breaker}).
 *
 * @param maxConnections open connections to one backend, over all event loops (default 1024)
 * @param maxPending requests waiting for a connection to one backend (default 1024)
 */
public record CircuitBreakerConfig(int maxConnections, int maxPending) {

    public CircuitBreakerConfig {
        if (maxConnections < 1) {
            throw new IllegalArgumentException(
                    "circuit_breaker.max_connections must be at least 1 (got "
                            + maxConnections
                            + ")");
        }
        if (maxPending < 0) {
            throw new IllegalArgumentException(
                    "circuit_breaker.max_pending must not be negative (got " + maxPending + ")");
        }
    }

    public static CircuitBreakerConfig defaults() {
        return new CircuitBreakerConfig(1024, 1024);
    }
}
