package dev.portcullis.upstream;

/**
 * Told how each request to one backend went, so that passive health checking can notice a backend
 * that fails. Called on the request's event loop, from every event loop at once, once per attempt:
 * implementations are thread-safe, never block and allocate nothing on the common path.
 */
public interface BackendObserver {

    /** The observer of a backend nobody watches. */
    BackendObserver NONE =
            new BackendObserver() {
                @Override
                public void onResponse(int status) {}

                @Override
                public void onLocalFailure() {}

                @Override
                public String toString() {
                    return "BackendObserver.NONE";
                }
            };

    /** The backend answered with a final (non-1xx) response head of this status. */
    void onResponse(int status);

    /**
     * The attempt failed before a response head arrived for a reason on the network path: connect
     * refused or timed out, connection reset or closed, response timeout, invalid response.
     */
    void onLocalFailure();
}
