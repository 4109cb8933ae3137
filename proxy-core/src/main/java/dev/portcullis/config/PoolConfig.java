package dev.portcullis.config;

import java.time.Duration;

/**
 * Backend keep-alive pooling ({@code upstreams[].pool}); there is one pool per backend per event
 * loop.
 *
 * @param maxIdlePerLoop idle connections kept per backend per event loop; more are closed
 * @param idleTimeout an idle pooled connection is closed after this; keep it below the backend's
 *     own keep-alive timeout
 */
public record PoolConfig(int maxIdlePerLoop, Duration idleTimeout) {

    /** The pool settings used for every key left out of the section. */
    public static PoolConfig defaults() {
        return new PoolConfig(256, Duration.ofSeconds(15));
    }
}
