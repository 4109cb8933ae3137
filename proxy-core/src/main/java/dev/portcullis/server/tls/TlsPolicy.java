package dev.portcullis.server.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The one protocol and cipher-suite policy of every TLS context, server and client, on both
 * providers: TLS 1.3 and 1.2 only; ECDHE key exchange with AEAD suites only (no CBC, no RSA key
 * exchange, no DHE); the server's suite order wins; sessions are resumable. This is the set that
 * testssl.sh and SSL Labs grade A, and that RFC 9113 §9.2.2 allows for HTTP/2.
 *
 * <p>OpenSSL (BoringSSL through netty-tcnative) is used when it loads, the JDK provider otherwise.
 * Both are given the same lists; a suite the provider lacks is left out rather than failing the
 * context.
 */
public final class TlsPolicy {

    /** Protocols, most preferred first. */
    public static final List<String> PROTOCOLS =
            List.of(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2);

    /**
     * Cipher suites in IANA names (Netty translates them for OpenSSL), in the server's order of
     * preference: AES-128-GCM first for its speed with AES-NI, ECDSA before RSA within TLS 1.2.
     */
    public static final List<String> CIPHER_SUITES =
            List.of(
                    "TLS_AES_128_GCM_SHA256",
                    "TLS_AES_256_GCM_SHA384",
                    "TLS_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Key-exchange groups of the OpenSSL provider, most preferred first.
     *
     * <p>TODO(pq-groups): offer X25519MLKEM768 first once the bundled BoringSSL is known to have
     * it; setting an unknown group fails the context, so it is left out for now.
     *
     * <p>TODO(jdk-groups): the JDK provider on Java 17 takes its groups only from the system
     * property {@code jdk.tls.namedGroups}, read once per JVM; the program may set it to {@code
     * x25519,secp256r1,secp384r1} before the first TLS context is made. Its default list adds
     * secp521r1, x448 and finite-field groups, which are safe but slower.
     */
    public static final List<String> NAMED_GROUPS = List.of("X25519", "P-256", "P-384");

    /**
     * Sessions kept per context for resumption. Both providers resume TLS 1.2 sessions by session
     * id from this cache and TLS 1.3 sessions by ticket; the JDK provider also issues TLS 1.2
     * tickets. OpenSSL's TLS 1.2 tickets stay off (Netty's default): the cache serves one process
     * as well, and a ticket key is one more secret whose theft would expose past sessions.
     */
    public static final long SESSION_CACHE_SIZE = 20_480;

    /**
     * How long a session may be resumed: one day, the JDK's default and the Mozilla server-side TLS
     * guideline.
     */
    public static final Duration SESSION_TIMEOUT = Duration.ofDays(1);

    private TlsPolicy() {}

    /** OpenSSL with explicit release when netty-tcnative loads, the JDK provider otherwise. */
    public static SslProvider preferredProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
    }

    /** Why OpenSSL did not load, or {@code null} when it did. */
    public static @Nullable Throwable openSslUnavailabilityCause() {
        return OpenSsl.isAvailable() ? null : OpenSsl.unavailabilityCause();
    }

    /**
     * The provider and protocols for the start-up line, such as {@code BoringSSL (OpenSSL
     * provider), TLSv1.3 TLSv1.2}.
     */
    public static String describe(SslProvider provider) {
        String protocols = String.join(" ", PROTOCOLS);
        if (isOpenSsl(provider)) {
            return OpenSsl.versionString() + " (OpenSSL provider), " + protocols;
        }
        return jdkProviderName() + " (JDK provider), " + protocols;
    }

    static boolean isOpenSsl(SslProvider provider) {
        return provider == SslProvider.OPENSSL || provider == SslProvider.OPENSSL_REFCNT;
    }

    /** Applies the provider, protocols, suites, groups and session settings to a builder. */
    static SslContextBuilder apply(SslContextBuilder builder, SslProvider provider) {
        builder.sslProvider(provider)
                .protocols(PROTOCOLS)
                .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                .sessionCacheSize(SESSION_CACHE_SIZE)
                .sessionTimeout(SESSION_TIMEOUT.toSeconds());
        if (isOpenSsl(provider)) {
            builder.option(OpenSslContextOption.GROUPS, NAMED_GROUPS.toArray(new String[0]));
        }
        return builder;
    }

    private static String jdkProviderName() {
        try {
            return SSLContext.getDefault().getProvider().getName();
        } catch (NoSuchAlgorithmException e) {
            return "JDK";
        }
    }
}
