package dev.portcullis.config;

/** How an upstream spreads requests over its backends ({@code upstreams[].balance}). */
public enum BalancePolicy {
    /** Smooth weighted round robin. */
    ROUND_ROBIN,
    /** Fewest active requests relative to weight, ties broken at random. */
    LEAST_CONNECTIONS,
    /** Power of two random choices on active requests. */
    P2C
}
