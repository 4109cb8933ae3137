package dev.portcullis.config;

import dev.portcullis.net.Cidr;
import java.util.List;

/**
 * How the real client address is found ({@code client_ip}).
 *
 * @param trustedProxies peers whose {@code X-Forwarded-For} is believed; empty means nobody's
 */
public record ClientIpConfig(List<Cidr> trustedProxies) {

    public ClientIpConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** The settings used when the section is left out: no proxy is trusted. */
    public static ClientIpConfig defaults() {
        return new ClientIpConfig(List.of());
    }
}
