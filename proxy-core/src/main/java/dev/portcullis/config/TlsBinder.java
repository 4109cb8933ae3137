package dev.portcullis.config;

import dev.portcullis.config.validate.Problems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Binds {@code listeners[].tls}: the certificates of an HTTPS listener, whether it asks clients for
 * theirs, and whether it offers HTTP/2. Certificate files are only named here; the TLS loader reads
 * them at start and on reload and reports its own problems.
 */
final class TlsBinder {

    static final String[] KEYS = {"certificates", "client_auth", "client_ca_file", "http2"};

    private TlsBinder() {}

    /**
     * The listener's TLS settings. A refused value is left out or takes its default, so the record
     * is always built; the problems keep the configuration from being used.
     *
     * @param paths resolves the file names against the configuration file's directory
     */
    static TlsConfig bind(MappingReader section, ValueParser<Path> paths, Problems problems) {
        List<CertificateConfig> certificates = certificates(section, paths);
        ClientAuthMode given = section.value("client_auth", Values.choice(ClientAuthMode.class));
        ClientAuthMode clientAuth = given == null ? TlsConfig.DEFAULT_CLIENT_AUTH : given;
        Path clientCaFile = section.value("client_ca_file", paths);
        boolean http2 = section.value("http2", Values.bool(), TlsConfig.DEFAULT_HTTP2);

        // A refused client_auth is reported already; what it needs cannot be known.
        if (given != null || !section.has("client_auth")) {
            checkClientCa(section, clientAuth, problems);
        }
        return new TlsConfig(certificates, clientAuth, clientCaFile, http2);
    }

    private static List<CertificateConfig> certificates(
            MappingReader section, ValueParser<Path> paths) {
        List<CertificateConfig> certificates = new ArrayList<>();
        List<MappingReader> items =
                section.requiredItems(
                        "certificates", "certificate", "cert_file", "key_file", "key_password");
        for (MappingReader item : items) {
            Path certFile = item.required("cert_file", paths);
            Path keyFile = item.required("key_file", paths);
            // An empty password is no password, so `${KEY_PASSWORD:-}` works for plain keys too.
            String keyPassword = item.valueUnlessEmpty("key_password", Values.text());
            if (certFile != null && keyFile != null) {
                certificates.add(new CertificateConfig(certFile, keyFile, keyPassword));
            }
        }
        return certificates;
    }

    /** {@code client_ca_file} is needed exactly when client certificates are asked for. */
    private static void checkClientCa(
            MappingReader section, ClientAuthMode clientAuth, Problems problems) {
        String mode = clientAuth.name().toLowerCase(Locale.ROOT);
        boolean asksForCertificates = clientAuth != ClientAuthMode.NONE;
        if (asksForCertificates && !section.has("client_ca_file")) {
            problems.add(
                    section.pathOf("client_ca_file"),
                    section.line(),
                    "required when client_auth is "
                            + mode
                            + ": client certificates are verified against the CA certificates in"
                            + " it");
        } else if (!asksForCertificates && section.has("client_ca_file")) {
            problems.add(
                    section.pathOf("client_ca_file"),
                    section.lineOf("client_ca_file"),
                    "only with client_auth optional or require; with client_auth none no client"
                            + " certificate is asked for");
        }
    }
}
