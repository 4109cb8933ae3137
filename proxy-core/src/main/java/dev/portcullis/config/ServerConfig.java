package dev.portcullis.config;

/**
 * Process-wide settings of the front end ({@code server}).
 *
 * @param eventLoopThreads number of event loop threads; 0 means one per available core
 * @param transport which I/O transport to use
 */
public record ServerConfig(int eventLoopThreads, TransportChoice transport) {

    /** The settings used when the section is left out: one event loop per core, {@code auto}. */
    public static ServerConfig defaults() {
        return new ServerConfig(0, TransportChoice.AUTO);
    }
}
