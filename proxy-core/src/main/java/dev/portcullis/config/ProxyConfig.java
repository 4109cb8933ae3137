package dev.portcullis.config;

import java.util.List;

/**
 * The whole configuration: one immutable snapshot, validated as a whole. The running proxy reads it
 * through a single reference once per request, so a reload can replace it atomically.
 */
public record ProxyConfig(
        List<ListenerConfig> listeners,
        ServerConfig server,
        ClientIpConfig clientIp,
        LimitsConfig limits,
        List<UpstreamConfig> upstreams,
        List<RouteConfig> routes,
        AdminConfig admin,
        LoggingConfig logging) {

    public ProxyConfig {
        listeners = List.copyOf(listeners);
        upstreams = List.copyOf(upstreams);
        routes = List.copyOf(routes);
    }
}
