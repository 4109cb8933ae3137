package dev.portcullis.config;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * TLS termination of one listener ({@code listeners[].tls}). Protocols and cipher suites are not
 * configurable: they are a fixed policy of TLS 1.3 and 1.2 with ECDHE and AEAD suites only.
 *
 * @param certificates required, at least one; each certificate serves the DNS names and IP
 *     addresses of its subject alternative names, and the first one also serves clients that send
 *     no SNI or an unknown name
 * @param clientAuth whether clients must present a certificate; default {@code none}
 * @param clientCaFile PEM file of the CA certificates that client certificates must chain to;
 *     required when {@code client_auth} is {@code optional} or {@code require}, not allowed
 *     otherwise; default {@code null}
 * @param http2 whether ALPN offers {@code h2} before {@code http/1.1}; default {@code true}; {@code
 *     false} offers {@code http/1.1} only
 */
public record TlsConfig(
        List<CertificateConfig> certificates,
        ClientAuthMode clientAuth,
        @Nullable Path clientCaFile,
        boolean http2) {

    /** Whether clients must present a certificate when {@code client_auth} is left out. */
    public static final ClientAuthMode DEFAULT_CLIENT_AUTH = ClientAuthMode.NONE;

    /** Whether ALPN offers {@code h2} when {@code http2} is left out. */
    public static final boolean DEFAULT_HTTP2 = true;

    public TlsConfig {
        certificates = List.copyOf(certificates);
    }
}
