package dev.portcullis.server;

import dev.portcullis.balance.LoadBalancer;
import dev.portcullis.config.BackendConfig;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.health.UpstreamHealth;
import dev.portcullis.upstream.Upstream;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * One running upstream: its backends with their pools, its balancer and its health.
 *
 * @param resolved the addresses each configured backend resolved to when this was built
 */
record UpstreamRuntime(
        UpstreamConfig config,
        Upstream upstream,
        LoadBalancer balancer,
        UpstreamHealth health,
        Map<BackendConfig, List<InetAddress>> resolved) {}
