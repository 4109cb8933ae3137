package dev.portcullis.upstream;

import dev.portcullis.config.BackendConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend server of an upstream, shared by all event loops. It counts the requests in flight to
 * it, which the balancers read; its connection pools are kept per event loop.
 */
public final class Backend {

    private final String upstreamName;
    private final BackendConfig config;
    private final String id;
    private final AtomicInteger activeRequests = new AtomicInteger();
    private volatile boolean available = true;

    public Backend(String upstreamName, BackendConfig config) {
        this.upstreamName = upstreamName;
        this.config = config;
        this.id = config.authority();
    }

    public String upstreamName() {
        return upstreamName;
    }

    /** {@code host:port}; unique within its upstream, bounded, fit for a metric label. */
    public String id() {
        return id;
    }

    public BackendConfig config() {
        return config;
    }

    public int weight() {
        return config.weight();
    }

    public int activeRequests() {
        return activeRequests.get();
    }

    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    public void requestFinished() {
        activeRequests.decrementAndGet();
    }

    /** Whether the balancers may choose this backend now. */
    public boolean isAvailable() {
        return available;
    }

    public void setAvailable(boolean available) {
        this.available = available;
    }

    @Override
    public String toString() {
        return upstreamName + "/" + id;
    }
}
