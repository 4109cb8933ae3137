package dev.portcullis.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One certificate of a TLS listener ({@code listeners[].tls.certificates[]}); the names in its
 * subject alternative names select it through SNI.
 *
 * @param certFile required; PEM file with the leaf certificate first, then the intermediates that
 *     lead to the CA (the CA itself may be left out)
 * @param keyFile required; PEM file with the private key of the leaf: PKCS#8, PKCS#1 (RSA), SEC1
 *     (EC), or either form encrypted; it may be the same file as {@code cert_file}
 * @param keyPassword the password of an encrypted key; {@code null} (the default) for a plain key
 */
public record CertificateConfig(Path certFile, Path keyFile, @Nullable String keyPassword) {

    /** Hides the key password from logs and error messages. */
    @Override
    public String toString() {
        return "CertificateConfig[certFile="
                + certFile
                + ", keyFile="
                + keyFile
                + ", keyPassword="
                + (keyPassword == null ? "none" : "***")
                + "]";
    }
}
