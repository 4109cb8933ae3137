package dev.portcullis.server;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.filter.FilterChain;
import java.util.List;

/** Builds the request filters of a configuration, in chain order. */
@FunctionalInterface
public interface FilterChainFactory {

    List<FilterChain.Entry> create(ProxyConfig config);

    /**
     * The product's chain, in the order of DESIGN.md's life of a request: allow/deny lists, ban
     * check, rate limits, challenge, CSRF, session checks, WAF. Each protection adds itself here at
     * its place when it exists; today the front end's own checks (strict framing, limits, timeouts)
     * run before any filter.
     */
    static FilterChainFactory standard() {
        return config -> List.of();
    }
}
