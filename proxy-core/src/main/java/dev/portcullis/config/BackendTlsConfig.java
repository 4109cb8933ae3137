package dev.portcullis.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How the proxy verifies {@code https} backends ({@code upstreams[].tls}). Verification is on by
 * default: the backend's certificate must chain to a trusted CA and name the backend's host.
 *
 * @param caFile PEM file of the CA certificates that backend certificates must chain to; it
 *     replaces the JDK's default trust store for this upstream; default {@code null}, the JDK's
 *     default trust store
 * @param insecureSkipVerify accept any backend certificate and any host name; default {@code
 *     false}; meant for test set-ups only, and not allowed together with {@code ca_file}
 */
public record BackendTlsConfig(@Nullable Path caFile, boolean insecureSkipVerify) {

    /** The default: verify against the JDK's default trust store. */
    public static BackendTlsConfig verifyWithDefaultTrust() {
        return new BackendTlsConfig(null, false);
    }
}
