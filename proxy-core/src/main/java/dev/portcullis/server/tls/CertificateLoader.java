package dev.portcullis.server.tls;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.portcullis.config.CertificateConfig;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.jspecify.annotations.Nullable;

/**
 * Reads PEM certificate chains and private keys and checks them before any context is built, so
 * that a bad file is reported by name at start-up or reload instead of failing handshakes later.
 *
 * <p>Keys may be PKCS#8, PKCS#1 (RSA), SEC1 (EC), encrypted PKCS#8, or encrypted in the traditional
 * OpenSSL form. RSA keys of at least 2048 bits and EC keys are accepted. Errors: a missing or
 * unreadable file, a file without a certificate or key, a key that cannot be decrypted or parsed, a
 * key that does not belong to the leaf certificate, a leaf that is expired or not yet valid.
 * Warnings: a leaf that expires within {@link #EXPIRY_WARNING}, a chain out of order, a leaf
 * without subject alternative names.
 *
 * <p>Thread-safe; no state beyond the clock.
 */
public final class CertificateLoader {

    /** A certificate that expires sooner than this is loaded with a warning. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private static final int MIN_RSA_BITS = 2048;
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;
    private static final byte[] CHALLENGE = "portcullis key check".getBytes(ISO_8859_1);

    private final Clock clock;

    public CertificateLoader(Clock clock) {
        this.clock = clock;
    }

    /** A loader that checks validity against the system clock. */
    public static CertificateLoader withSystemClock() {
        return new CertificateLoader(Clock.systemUTC());
    }

    /**
     * Reads and checks one certificate and its key.
     *
     * @throws TlsConfigException with every problem found, the warnings included, when there is at
     *     least one error; settings are named {@code cert_file}, {@code key_file} and {@code
     *     key_password}
     */
    public LoadedCertificate load(CertificateConfig config) throws TlsConfigException {
        List<TlsProblem> problems = new ArrayList<>();
        List<X509Certificate> chain = readChain(config.certFile(), "cert_file", problems);
        PrivateKey key = readKey(config, problems);
        if (chain.isEmpty() || key == null) {
            throw new TlsConfigException(problems);
        }

        X509Certificate leaf = chain.get(0);
        checkKey(config, leaf, key, problems);
        checkValidity(config.certFile(), leaf, problems);
        checkOrder(config.certFile(), chain, problems);
        List<String> dnsNames = new ArrayList<>();
        List<InetAddress> ipAddresses = new ArrayList<>();
        readSubjectAltNames(config.certFile(), leaf, dnsNames, ipAddresses, problems);
        if (TlsProblem.anyError(problems)) {
            throw new TlsConfigException(problems);
        }
        return new LoadedCertificate(
                config,
                chain,
                key,
                dnsNames,
                ipAddresses,
                leaf.getNotAfter().toInstant(),
                problems);
    }

    /**
     * Reads the CA certificates of a trust file ({@code client_ca_file}, {@code ca_file}).
     *
     * @param setting the setting name used in problems
     * @throws TlsConfigException when the file is missing, unreadable or holds no certificate
     */
    public List<X509Certificate> loadCaCertificates(Path file, String setting)
            throws TlsConfigException {
        List<TlsProblem> problems = new ArrayList<>();
        List<X509Certificate> certificates = readChain(file, setting, problems);
        if (certificates.isEmpty()) {
            throw new TlsConfigException(problems);
        }
        return certificates;
    }

    private static List<X509Certificate> readChain(
            Path file, String setting, List<TlsProblem> problems) {
        List<Object> objects = readPem(file, setting, problems);
        if (objects == null) {
            return List.of();
        }
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> chain = new ArrayList<>();
        for (Object object : objects) {
            if (object instanceof X509CertificateHolder) {
                try {
                    chain.add(converter.getCertificate((X509CertificateHolder) object));
                } catch (CertificateException e) {
                    problems.add(
                            TlsProblem.error(
                                    setting,
                                    file
                                            + " holds a certificate that cannot be parsed: "
                                            + e.getMessage()));
                    return List.of();
                }
            }
        }
        if (chain.isEmpty()) {
            problems.add(
                    TlsProblem.error(
                            setting,
                            file
                                    + " holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\");"
                                    + " a binary DER file must be converted to PEM first"));
        }
        return chain;
    }

    private static @Nullable PrivateKey readKey(
            CertificateConfig config, List<TlsProblem> problems) {
        Path file = config.keyFile();
        List<Object> objects = readPem(file, "key_file", problems);
        if (objects == null) {
            return null;
        }
        List<Object> keys = new ArrayList<>();
        for (Object object : objects) {
            if (object instanceof PrivateKeyInfo
                    || object instanceof PEMKeyPair
                    || object instanceof PEMEncryptedKeyPair
                    || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                keys.add(object);
            }
        }
        if (keys.size() != 1) {
            problems.add(
                    TlsProblem.error(
                            "key_file",
                            file
                                    + (keys.isEmpty()
                                            ? " holds no PEM private key"
                                            : " holds " + keys.size() + " private keys")
                                    + "; it must hold exactly the key of the leaf certificate"));
            return null;
        }
        return decodeKey(config, keys.get(0), problems);
    }

    private static @Nullable PrivateKey decodeKey(
            CertificateConfig config, Object pem, List<TlsProblem> problems) {
        Path file = config.keyFile();
        String password = config.keyPassword();
        boolean encrypted =
                pem instanceof PEMEncryptedKeyPair || pem instanceof PKCS8EncryptedPrivateKeyInfo;
        if (encrypted && password == null) {
            problems.add(
                    TlsProblem.error(
                            "key_file", file + " holds an encrypted key; set key_password"));
            return null;
        }
        if (!encrypted && password != null) {
            problems.add(
                    TlsProblem.warning(
                            "key_password",
                            "is set, but the key in " + file + " is not encrypted"));
        }
        try {
            return toPrivateKey(pem, password);
        } catch (PKCSException | IOException | OperatorCreationException e) {
            String detail =
                    encrypted
                            ? file + " cannot be decrypted with key_password (wrong password?): "
                            : file + " holds a key that cannot be read: ";
            problems.add(
                    TlsProblem.error(
                            encrypted ? "key_password" : "key_file", detail + e.getMessage()));
            return null;
        }
    }

    private static PrivateKey toPrivateKey(Object pem, @Nullable String password)
            throws IOException, PKCSException, OperatorCreationException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (pem instanceof PrivateKeyInfo) {
            return converter.getPrivateKey((PrivateKeyInfo) pem);
        }
        // Only the private part: a SEC1 key need not carry its public point.
        if (pem instanceof PEMKeyPair) {
            return converter.getPrivateKey(((PEMKeyPair) pem).getPrivateKeyInfo());
        }
        char[] secret = password == null ? new char[0] : password.toCharArray();
        if (pem instanceof PEMEncryptedKeyPair) {
            PEMKeyPair pair =
                    ((PEMEncryptedKeyPair) pem)
                            .decryptKeyPair(
                                    new JcePEMDecryptorProviderBuilder()
                                            .setProvider(Bc.PROVIDER)
                                            .build(secret));
            return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        PrivateKeyInfo info =
                ((PKCS8EncryptedPrivateKeyInfo) pem)
                        .decryptPrivateKeyInfo(
                                new JceOpenSSLPKCS8DecryptorProviderBuilder()
                                        .setProvider(Bc.PROVIDER)
                                        .build(secret));
        return converter.getPrivateKey(info);
    }

    private static void checkKey(
            CertificateConfig config,
            X509Certificate leaf,
            PrivateKey key,
            List<TlsProblem> problems) {
        PublicKey publicKey = leaf.getPublicKey();
        String keyAlgorithm = key.getAlgorithm();
        if (!"RSA".equals(keyAlgorithm) && !"EC".equals(keyAlgorithm)) {
            problems.add(
                    TlsProblem.error(
                            "key_file",
                            config.keyFile()
                                    + " holds a "
                                    + keyAlgorithm
                                    + " key; only RSA and EC keys are supported"));
            return;
        }
        if (!keyAlgorithm.equals(publicKey.getAlgorithm())) {
            problems.add(
                    TlsProblem.error(
                            "key_file",
                            config.keyFile()
                                    + " holds an "
                                    + keyAlgorithm
                                    + " key, but the certificate in "
                                    + config.certFile()
                                    + " holds an "
                                    + publicKey.getAlgorithm()
                                    + " key"));
            return;
        }
        if (!signsFor(key, publicKey)) {
            problems.add(
                    TlsProblem.error(
                            "key_file",
                            config.keyFile()
                                    + " does not belong to the certificate in "
                                    + config.certFile()
                                    + " (its public key differs)"));
            return;
        }
        if (key instanceof RSAKey && ((RSAKey) key).getModulus().bitLength() < MIN_RSA_BITS) {
            problems.add(
                    TlsProblem.error(
                            "key_file",
                            config.keyFile()
                                    + " holds an RSA key of "
                                    + ((RSAKey) key).getModulus().bitLength()
                                    + " bits; at least "
                                    + MIN_RSA_BITS
                                    + " are required"));
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}: a signature made with one must
     * verify with the other. This works alike for every key encoding, where comparing encoded forms
     * would not (a PKCS#8 EC key need not carry its public point).
     */
    private static boolean signsFor(PrivateKey key, PublicKey publicKey) {
        String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(CHALLENGE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(CHALLENGE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // An EC key on another curve than the certificate's fails here rather than verifying.
            return false;
        }
    }

    private void checkValidity(Path file, X509Certificate leaf, List<TlsProblem> problems) {
        Instant now = clock.instant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            problems.add(
                    TlsProblem.error(
                            "cert_file",
                            file + " is not valid before " + notBefore + " (now " + now + ")"));
        } else if (!now.isBefore(notAfter)) {
            problems.add(
                    TlsProblem.error("cert_file", file + " expired at " + notAfter + "; renew it"));
        } else if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
            long days = Duration.between(now, notAfter).toDays();
            problems.add(
                    TlsProblem.warning(
                            "cert_file",
                            file
                                    + " expires at "
                                    + notAfter.truncatedTo(ChronoUnit.SECONDS)
                                    + ", in "
                                    + (days == 0 ? "less than a day" : days + " days")
                                    + "; renew it"));
        }
    }

    private static void checkOrder(
            Path file, List<X509Certificate> chain, List<TlsProblem> problems) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate issued = chain.get(i);
            X509Certificate next = chain.get(i + 1);
            if (!issued.getIssuerX500Principal().equals(next.getSubjectX500Principal())) {
                problems.add(
                        TlsProblem.warning(
                                "cert_file",
                                file
                                        + " is out of order: certificate "
                                        + (i + 2)
                                        + " did not issue certificate "
                                        + (i + 1)
                                        + "; list the leaf first, then each issuer in turn"));
                return;
            }
        }
    }

    private static void readSubjectAltNames(
            Path file,
            X509Certificate leaf,
            List<String> dnsNames,
            List<InetAddress> ipAddresses,
            List<TlsProblem> problems) {
        Collection<List<?>> names;
        try {
            names = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            problems.add(
                    TlsProblem.error(
                            "cert_file",
                            file + " has unreadable subject alternative names: " + e.getMessage()));
            return;
        }
        if (names != null) {
            for (List<?> name : names) {
                Object type = name.get(0);
                Object value = name.get(1);
                if (Integer.valueOf(SAN_DNS).equals(type) && value instanceof String) {
                    dnsNames.add(((String) value).toLowerCase(Locale.ROOT));
                } else if (Integer.valueOf(SAN_IP).equals(type) && value instanceof String) {
                    InetAddress address =
                            NetUtil.createInetAddressFromIpAddressString((String) value);
                    if (address != null) {
                        ipAddresses.add(address);
                    }
                }
            }
        }
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            problems.add(
                    TlsProblem.warning(
                            "cert_file",
                            file
                                    + " names no DNS name or IP address in its subject alternative"
                                    + " names; browsers will refuse it"));
        }
    }

    /** The PEM objects of a file, or {@code null} with a problem when it cannot be read. */
    private static @Nullable List<Object> readPem(
            Path file, String setting, List<TlsProblem> problems) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                problems.add(TlsProblem.error(setting, file + " is a directory, not a file"));
                return null;
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            problems.add(TlsProblem.error(setting, file + " does not exist"));
            return null;
        } catch (AccessDeniedException e) {
            problems.add(
                    TlsProblem.error(
                            setting, file + " cannot be read by this process (permission denied)"));
            return null;
        } catch (IOException e) {
            problems.add(TlsProblem.error(setting, file + " cannot be read: " + e.getMessage()));
            return null;
        }
        // ISO-8859-1 maps every byte, so a stray non-ASCII byte cannot fail the decoding.
        try (PEMParser parser = new PEMParser(new StringReader(new String(bytes, ISO_8859_1)))) {
            List<Object> objects = new ArrayList<>();
            for (Object object; (object = parser.readObject()) != null; ) {
                if (!(object instanceof ASN1ObjectIdentifier)) { // EC PARAMETERS before SEC1 keys
                    objects.add(object);
                }
            }
            return objects;
        } catch (IOException e) {
            problems.add(TlsProblem.error(setting, file + " is not valid PEM: " + e.getMessage()));
            return null;
        }
    }

    /**
     * BouncyCastle's provider, for the ciphers and key derivations of encrypted PEM keys only; it
     * is never registered with the JVM, and made on first use because it is costly to build.
     */
    private static final class Bc {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }
}
