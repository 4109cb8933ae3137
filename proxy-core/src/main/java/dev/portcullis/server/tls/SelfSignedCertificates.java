package dev.portcullis.server.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.portcullis.config.CertificateConfig;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * Makes a self-signed server certificate for demos and first runs: an EC P-256 key and a
 * certificate for the given names and addresses, valid for {@link #VALIDITY}, written as PEM into a
 * directory. Browsers will warn about it; it is never a substitute for a CA-issued certificate.
 */
public final class SelfSignedCertificates {

    /** How long a generated certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(30);

    /** The certificate file written into the directory. */
    public static final String CERT_FILE = "self-signed.crt";

    /** The key file written into the directory, readable by its owner only where possible. */
    public static final String KEY_FILE = "self-signed.key";

    // Starts an hour early so that clients whose clocks lag a little accept it at once.
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSignedCertificates() {}

    /**
     * Generates a key and certificate and writes them into {@code dir}, replacing earlier ones.
     *
     * @param dnsNames the DNS names of the certificate; the first one is also its common name
     * @param ips IP address literals of the certificate
     * @return the settings that serve the written files
     * @throws IllegalArgumentException when both lists are empty or an entry of {@code ips} is not
     *     an address literal
     */
    public static CertificateConfig generate(Path dir, List<String> dnsNames, List<String> ips)
            throws IOException {
        if (dnsNames.isEmpty() && ips.isEmpty()) {
            throw new IllegalArgumentException(
                    "dnsNames and ips: both empty; a certificate needs at least one name");
        }
        KeyPair pair = newKeyPair();
        String commonName = dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0);
        X509Certificate certificate = selfSign(pair, commonName, subjectAltNames(dnsNames, ips));

        Files.createDirectories(dir);
        Path certFile = dir.resolve(CERT_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        writeOwnerOnly(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
        Files.write(certFile, pem(certificate).getBytes(US_ASCII));
        return new CertificateConfig(certFile, keyFile, null);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no EC P-256 key generator", e);
        }
    }

    private static GeneralNames subjectAltNames(List<String> dnsNames, List<String> ips) {
        List<GeneralName> names = new ArrayList<>();
        for (String dnsName : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dnsName));
        }
        for (String ip : ips) {
            if (!NetUtil.isValidIpV4Address(ip) && !NetUtil.isValidIpV6Address(ip)) {
                throw new IllegalArgumentException(
                        "ips: got '" + ip + "', which is not an IP address literal");
            }
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    private static X509Certificate selfSign(
            KeyPair pair, String commonName, GeneralNames subjectAltNames) {
        X500Name subject =
                new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder =
                    new JcaX509v3CertificateBuilder(
                                    subject,
                                    new BigInteger(127, RANDOM).add(BigInteger.ONE),
                                    Date.from(now.minus(BACKDATE)),
                                    Date.from(now.plus(VALIDITY)),
                                    subject,
                                    pair.getPublic())
                            .addExtension(
                                    Extension.basicConstraints, true, new BasicConstraints(false))
                            .addExtension(
                                    Extension.keyUsage,
                                    true,
                                    new KeyUsage(KeyUsage.digitalSignature))
                            .addExtension(
                                    Extension.extendedKeyUsage,
                                    false,
                                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                            .addExtension(Extension.subjectAlternativeName, false, subjectAltNames)
                            .addExtension(
                                    Extension.subjectKeyIdentifier,
                                    false,
                                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(
                                    new JcaContentSignerBuilder("SHA256withECDSA")
                                            .build(pair.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a self-signed certificate", e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof PemObjectGenerator) {
                writer.writeObject((PemObjectGenerator) object);
            } else {
                writer.writeObject(object);
            }
        }
        return out.toString();
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        }
        Files.write(
                file,
                content.getBytes(US_ASCII),
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }
}
