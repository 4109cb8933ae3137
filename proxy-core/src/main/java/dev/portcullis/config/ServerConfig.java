package dev.portcullis.config;

import java.time.Duration;

/**
 * Process-wide settings of the front end ({@code server}).
 *
 * @param eventLoopThreads number of event loop threads; 0 means one per available core
 * @param transport which I/O transport to use
 * @param drainTimeout on shutdown, how long in-flight requests may take to finish
 * @param watchConfig whether the configuration file is watched and reloaded when it changes
 */
public record ServerConfig(
        int eventLoopThreads,
        TransportChoice transport,
        Duration drainTimeout,
        boolean watchConfig) {

    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /** Settings with the shutdown and reload defaults. */
    public ServerConfig(int eventLoopThreads, TransportChoice transport) {
        this(eventLoopThreads, transport, DEFAULT_DRAIN_TIMEOUT, true);
    }

    /** The settings used when the section is left out: one event loop per core, {@code auto}. */
    public static ServerConfig defaults() {
        return new ServerConfig(0, TransportChoice.AUTO, DEFAULT_DRAIN_TIMEOUT, true);
    }
}
