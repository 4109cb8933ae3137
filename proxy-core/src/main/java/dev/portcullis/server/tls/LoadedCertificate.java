package dev.portcullis.server.tls;

import dev.portcullis.config.CertificateConfig;
import java.net.InetAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A certificate chain and its private key as read and checked by {@link CertificateLoader}: the key
 * belongs to the leaf, and the leaf is valid now.
 *
 * @param source the settings it was read from
 * @param chain the leaf first, then the intermediates in the order of the file
 * @param key the leaf's private key, decrypted
 * @param dnsNames the DNS names of the leaf's subject alternative names, lower case, wildcards such
 *     as {@code *.example.com} included
 * @param ipAddresses the IP addresses of the leaf's subject alternative names
 * @param notAfter the end of the leaf's validity
 * @param warnings problems that do not keep the certificate from being used, such as expiry within
 *     {@link CertificateLoader#EXPIRY_WARNING}
 */
public record LoadedCertificate(
        CertificateConfig source,
        List<X509Certificate> chain,
        PrivateKey key,
        List<String> dnsNames,
        List<InetAddress> ipAddresses,
        Instant notAfter,
        List<TlsProblem> warnings) {

    public LoadedCertificate {
        chain = List.copyOf(chain);
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        warnings = List.copyOf(warnings);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Describes the certificate without its key, for logs. */
    @Override
    public String toString() {
        return "LoadedCertificate[subject="
                + leaf().getSubjectX500Principal().getName()
                + ", dnsNames="
                + dnsNames
                + ", ipAddresses="
                + ipAddresses
                + ", notAfter="
                + notAfter
                + ", certFile="
                + source.certFile()
                + "]";
    }
}
