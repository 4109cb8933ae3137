package dev.portcullis.balance;

import dev.portcullis.upstream.Backend;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Picks the backend for the next request of one upstream. Called concurrently from every event
 * loop, so implementations are thread-safe, lock-free and allocate nothing per pick.
 */
public interface LoadBalancer {

    /**
     * Picks an available backend.
     *
     * @param avoid a backend that just failed this request, chosen only when no other is available;
     *     {@code null} when there is none to avoid
     * @return the chosen backend, or {@code null} when no backend is available
     */
    @Nullable Backend pick(@Nullable Backend avoid);

    /** The backends this balancer chooses from, in configuration order. */
    List<Backend> backends();
}
