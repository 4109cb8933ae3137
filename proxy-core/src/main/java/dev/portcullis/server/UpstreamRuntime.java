package dev.portcullis.server;

import dev.portcullis.balance.LoadBalancer;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.health.UpstreamHealth;
import dev.portcullis.upstream.Upstream;

/** One running upstream: its backends with their pools, its balancer and its health. */
record UpstreamRuntime(
        UpstreamConfig config, Upstream upstream, LoadBalancer balancer, UpstreamHealth health) {}
