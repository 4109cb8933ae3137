package dev.portcullis.upstream;

/**
 * A backend's circuit breaker is open: it has as many connections, or connection attempts, as it
 * may have. The request fails fast instead of queueing.
 */
public final class BackendOverloadedException extends Exception {

    private static final long serialVersionUID = 1L;

    public BackendOverloadedException(String message) {
        super(message, null, false, false);
    }
}
