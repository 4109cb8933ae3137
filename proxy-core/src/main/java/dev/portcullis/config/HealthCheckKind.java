package dev.portcullis.config;

/** How an active health check probes a backend ({@code upstreams[].health_check.type}). */
public enum HealthCheckKind {
    /** A {@code GET} of the check path on a fresh connection; the status decides. */
    HTTP,
    /** A TCP connect; the backend passes when it accepts the connection. */
    TCP
}
