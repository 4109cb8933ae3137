package dev.portcullis.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.server.tls.SelfSignedCertificates;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
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
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Certificates for tests, made with BouncyCastle and written as PEM files into a test's temporary
 * directory: a private CA, server and client leaves it signs (RSA or EC, any validity), and every
 * key format the loader reads. Self-signed server certificates come from the production {@link
 * SelfSignedCertificates}.
 */
public final class TestCertificates {

    /** The password of every encrypted key written here. */
    public static final String KEY_PASSWORD = "correct horse battery";

    /** The key algorithm of a leaf. */
    public enum KeyType {
        /** EC P-256. */
        EC,
        /** RSA, 2048 bits. */
        RSA,
        /** RSA, 1024 bits: too weak to be served. */
        RSA_1024;

        boolean isRsa() {
            return this != EC;
        }
    }

    /** How a private key is written. */
    public enum KeyFormat {
        /** {@code BEGIN PRIVATE KEY}. */
        PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY}; RSA keys only. */
        PKCS1,
        /** {@code BEGIN EC PRIVATE KEY}; EC keys only. */
        SEC1,
        /** {@code BEGIN ENCRYPTED PRIVATE KEY}, PBES2 with AES-256-CBC. */
        ENCRYPTED_PKCS8,
        /** PKCS#1 or SEC1 with {@code Proc-Type: 4,ENCRYPTED}, AES-256-CBC. */
        ENCRYPTED_TRADITIONAL;

        boolean encrypted() {
            return this == ENCRYPTED_PKCS8 || this == ENCRYPTED_TRADITIONAL;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Provider BC = new BouncyCastleProvider();

    private final Path dir;
    private final AtomicInteger files = new AtomicInteger();

    /** Writes every file into {@code dir}, typically a JUnit {@code @TempDir}. */
    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A new CA with an EC P-256 key, valid from yesterday for a year. */
    public Authority newAuthority(String commonName) {
        KeyPair pair = keyPair(KeyType.EC);
        X500Name name = x500("CN=" + commonName);
        Instant now = Instant.now();
        X509Certificate certificate =
                sign(
                        builder(
                                        name,
                                        name,
                                        pair,
                                        now.minus(Duration.ofDays(1)),
                                        now.plus(Duration.ofDays(365)))
                                .add(Extension.basicConstraints, true, new BasicConstraints(true))
                                .add(
                                        Extension.keyUsage,
                                        true,
                                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
                        pair.getPrivate());
        Path file = writeText("ca", ".crt", pemText(certificate));
        return new Authority(name, pair, certificate, file);
    }

    /** A self-signed EC server certificate from {@link SelfSignedCertificates}. */
    public CertificateConfig selfSigned(List<String> dnsNames, List<String> ips) {
        try {
            return SelfSignedCertificates.generate(
                    dir.resolve("self-signed-" + files.incrementAndGet()), dnsNames, ips);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A private certificate authority that issues leaves. */
    public final class Authority {
        private final X500Name name;
        private final KeyPair pair;
        private final X509Certificate certificate;
        private final Path certFile;

        private Authority(X500Name name, KeyPair pair, X509Certificate certificate, Path file) {
            this.name = name;
            this.pair = pair;
            this.certificate = certificate;
            this.certFile = file;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** The CA certificate as a PEM file, for {@code client_ca_file} or {@code ca_file}. */
        public Path certFile() {
            return certFile;
        }

        /** A server leaf for the given DNS names; more settings on the returned spec. */
        public LeafSpec server(String... dnsNames) {
            return new LeafSpec(this, "CN=" + (dnsNames.length > 0 ? dnsNames[0] : "server"))
                    .dns(dnsNames)
                    .purpose(KeyPurposeId.id_kp_serverAuth);
        }

        /** A client leaf with the given subject, such as {@code CN=alice,O=Example}. */
        public LeafSpec client(String subject) {
            return new LeafSpec(this, subject).purpose(KeyPurposeId.id_kp_clientAuth);
        }

        /** A JDK client context that trusts only this CA. */
        public SSLContext trustingClient() {
            return clientContext(null);
        }

        /**
         * A JDK client context that trusts only this CA and presents {@code identity} to every
         * server, even one that asks for certificates of other CAs (as curl does): the JDK's own
         * key manager would quietly send none.
         */
        public SSLContext clientContext(@Nullable Issued identity) {
            try {
                KeyStore trust = emptyStore();
                trust.setCertificateEntry("ca", certificate);
                TrustManagerFactory trustFactory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustFactory.init(trust);
                KeyManagerFactory keyFactory = null;
                if (identity != null) {
                    KeyStore keys = emptyStore();
                    keys.setKeyEntry(
                            "client",
                            identity.key(),
                            new char[0],
                            new X509Certificate[] {identity.certificate()});
                    keyFactory =
                            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    keyFactory.init(keys, new char[0]);
                }
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(
                        keyFactory == null
                                ? null
                                : new KeyManager[] {
                                    new AlwaysPresenting(
                                            (X509ExtendedKeyManager) keyFactory.getKeyManagers()[0])
                                },
                        trustFactory.getTrustManagers(),
                        RANDOM);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A client key manager that offers its one certificate whatever the server asks for. */
    private static final class AlwaysPresenting extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        AlwaysPresenting(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(
                String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    /** What a leaf will look like; {@link #issue()} makes it. */
    public final class LeafSpec {
        private final Authority issuer;
        private final String subject;
        private final List<GeneralName> names = new ArrayList<>();
        private KeyType keyType = KeyType.EC;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(90));
        private KeyPurposeId purpose = KeyPurposeId.id_kp_serverAuth;

        private LeafSpec(Authority issuer, String subject) {
            this.issuer = issuer;
            this.subject = subject;
        }

        public LeafSpec dns(String... dnsNames) {
            for (String dnsName : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, dnsName));
            }
            return this;
        }

        public LeafSpec ips(String... ips) {
            for (String ip : ips) {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            }
            return this;
        }

        public LeafSpec keyType(KeyType type) {
            this.keyType = type;
            return this;
        }

        public LeafSpec validity(Instant from, Instant until) {
            this.notBefore = from;
            this.notAfter = until;
            return this;
        }

        /** Valid until yesterday. */
        public LeafSpec expired() {
            Instant now = Instant.now();
            return validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        }

        /** Valid from tomorrow. */
        public LeafSpec notYetValid() {
            Instant now = Instant.now();
            return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        }

        /** Valid now, but only for {@code left}. */
        public LeafSpec expiresIn(Duration left) {
            Instant now = Instant.now();
            return validity(now.minus(Duration.ofDays(1)), now.plus(left));
        }

        private LeafSpec purpose(KeyPurposeId id) {
            this.purpose = id;
            return this;
        }

        public Issued issue() {
            KeyPair pair = keyPair(keyType);
            Extensions extensions =
                    builder(x500(subject), issuer.name, pair, notBefore, notAfter)
                            .add(Extension.basicConstraints, true, new BasicConstraints(false))
                            .add(
                                    Extension.keyUsage,
                                    true,
                                    new KeyUsage(
                                            keyType.isRsa()
                                                    ? KeyUsage.digitalSignature
                                                            | KeyUsage.keyEncipherment
                                                    : KeyUsage.digitalSignature))
                            .add(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (!names.isEmpty()) {
                extensions.add(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(names.toArray(new GeneralName[0])));
            }
            X509Certificate certificate = sign(extensions, issuer.pair.getPrivate());
            return new Issued(keyType, certificate, pair.getPrivate());
        }
    }

    /** A leaf and its private key, ready to be written in any key format. */
    public final class Issued {
        private final KeyType keyType;
        private final X509Certificate certificate;
        private final PrivateKey key;

        private Issued(KeyType keyType, X509Certificate certificate, PrivateKey key) {
            this.keyType = keyType;
            this.certificate = certificate;
            this.key = key;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        public PrivateKey key() {
            return key;
        }

        public BigInteger serial() {
            return certificate.getSerialNumber();
        }

        /** Writes the leaf and an unencrypted PKCS#8 key into new files. */
        public CertificateConfig write() {
            return write(KeyFormat.PKCS8);
        }

        /** Writes the leaf and its key in {@code format} into new files. */
        public CertificateConfig write(KeyFormat format) {
            int n = files.incrementAndGet();
            return writeTo(
                    dir.resolve("leaf-" + n + ".crt"), dir.resolve("leaf-" + n + ".key"), format);
        }

        /** Writes the leaf and its key in {@code format} over the given files. */
        public CertificateConfig writeTo(Path certFile, Path keyFile, KeyFormat format) {
            try {
                Files.write(certFile, pem(certificate).getBytes(US_ASCII));
                Files.write(keyFile, keyPem(format).getBytes(US_ASCII));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new CertificateConfig(
                    certFile, keyFile, format.encrypted() ? KEY_PASSWORD : null);
        }

        private String keyPem(KeyFormat format) {
            char[] password = KEY_PASSWORD.toCharArray();
            // The JDK encodes an EC key without its curve inside the SEC1 structure; BC's own key
            // object writes the complete SEC1 form that OpenSSL writes.
            PrivateKey traditional = keyType.isRsa() ? key : bcKey(key);
            try {
                switch (format) {
                    case PKCS8:
                        return pem(new JcaPKCS8Generator(key, null));
                    case PKCS1:
                    case SEC1:
                        boolean rsa = format == KeyFormat.PKCS1;
                        if (rsa != keyType.isRsa()) {
                            throw new IllegalArgumentException(format + " does not fit " + keyType);
                        }
                        return pem(new JcaMiscPEMGenerator(traditional));
                    case ENCRYPTED_PKCS8:
                        return pem(
                                new JcaPKCS8Generator(
                                        key,
                                        new JceOpenSSLPKCS8EncryptorBuilder(
                                                        PKCS8Generator.AES_256_CBC)
                                                .setProvider(BC)
                                                .setRandom(RANDOM)
                                                .setPassword(password)
                                                .build()));
                    case ENCRYPTED_TRADITIONAL:
                        return pem(
                                new JcaMiscPEMGenerator(
                                        traditional,
                                        new JcePEMEncryptorBuilder("AES-256-CBC")
                                                .setProvider(BC)
                                                .setSecureRandom(RANDOM)
                                                .build(password)));
                }
                throw new IllegalArgumentException("unknown format " + format);
            } catch (IOException | OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A certificate builder that collects extensions without checked exceptions. */
    private static final class Extensions {
        final X509v3CertificateBuilder builder;

        Extensions(X509v3CertificateBuilder builder) {
            this.builder = builder;
        }

        Extensions add(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
            try {
                builder.addExtension(oid, critical, value);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }
    }

    private static Extensions builder(
            X500Name subject, X500Name issuer, KeyPair pair, Instant from, Instant until) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            return new Extensions(
                            new JcaX509v3CertificateBuilder(
                                    issuer,
                                    new BigInteger(127, RANDOM).add(BigInteger.ONE),
                                    Date.from(from),
                                    Date.from(until),
                                    subject,
                                    pair.getPublic()))
                    .add(
                            Extension.subjectKeyIdentifier,
                            false,
                            utils.createSubjectKeyIdentifier(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(Extensions extensions, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(
                            extensions.builder.build(
                                    new JcaContentSignerBuilder("SHA256withECDSA")
                                            .build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair(KeyType type) {
        try {
            if (type.isRsa()) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(type == KeyType.RSA ? 2048 : 1024, RANDOM);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A name from its RFC 4514 form, most specific attribute first as people write it; the encoding
     * puts it last, as CAs do, so that it prints back the same.
     */
    private static X500Name x500(String name) {
        return X500Name.getInstance(new X500Principal(name).getEncoded());
    }

    private static PrivateKey bcKey(PrivateKey key) {
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), BC)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private Path writeText(String prefix, String suffix, String text) {
        Path file = dir.resolve(prefix + "-" + files.incrementAndGet() + suffix);
        try {
            Files.write(file, text.getBytes(US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    private static String pemText(Object object) {
        try {
            return pem(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
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
}
