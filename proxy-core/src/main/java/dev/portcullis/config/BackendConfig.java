package dev.portcullis.config;

import java.net.URI;

/**
 * One backend of an upstream ({@code upstreams[].backends[]}).
 *
 * @param url {@code http://host:port}; a path, query or user info is not allowed
 * @param weight relative share of the traffic, 1 to 1000
 */
public record BackendConfig(URI url, int weight) {

    /** The weight of a backend that does not give one. */
    public static final int DEFAULT_WEIGHT = 1;

    public String host() {
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }

    /** The explicit port, or the scheme's default. */
    public int port() {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equals(url.getScheme()) ? 443 : 80;
    }

    public boolean tls() {
        return "https".equals(url.getScheme());
    }

    /** {@code host:port} as used in logs, metrics and the {@code Host} header. */
    public String authority() {
        String host = host();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }
}
