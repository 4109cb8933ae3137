package dev.portcullis.config;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} to listen on. The host is an IP literal ({@code 0.0.0.0}, {@code 127.0.0.1},
 * {@code [::]}) or {@code localhost}; port 0 picks a free port (tests use that).
 */
public record BindAddress(String host, int port) {

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
