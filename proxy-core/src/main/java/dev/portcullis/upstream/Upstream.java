package dev.portcullis.upstream;

import dev.portcullis.config.UpstreamConfig;
import java.util.List;

/** A named group of interchangeable backends and the settings used to reach them. */
public final class Upstream {

    private final UpstreamConfig config;
    private final List<Backend> backends;
    private final RetryBudget retryBudget;

    public Upstream(UpstreamConfig config, List<Backend> backends) {
        this.config = config;
        this.backends = List.copyOf(backends);
        this.retryBudget = new RetryBudget(config.retryBudget());
    }

    /** The share of this upstream's requests that may be retries. */
    public RetryBudget retryBudget() {
        return retryBudget;
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    public List<Backend> backends() {
        return backends;
    }

    @Override
    public String toString() {
        return name();
    }
}
