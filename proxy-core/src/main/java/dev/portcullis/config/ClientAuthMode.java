package dev.portcullis.config;

/**
 * Whether a TLS listener asks clients for a certificate ({@code listeners[].tls.client_auth}).
 * Every mode other than {@code none} needs {@code client_ca_file}.
 */
public enum ClientAuthMode {
    /** The default: no certificate is requested. */
    NONE,
    /**
     * A certificate is requested; a client without one is served, a client whose certificate does
     * not verify against {@code client_ca_file} is refused.
     */
    OPTIONAL,
    /** A certificate that verifies against {@code client_ca_file} is required to connect. */
    REQUIRE
}
