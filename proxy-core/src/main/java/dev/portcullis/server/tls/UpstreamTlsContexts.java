package dev.portcullis.server.tls;

import dev.portcullis.config.BackendTlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Client contexts for {@code https} backends, one per distinct {@link BackendTlsConfig}, built when
 * the configuration loads and shared by every connection to those backends.
 *
 * <p>Verification is on unless {@code insecure_skip_verify} is set: the backend's chain must lead
 * to {@code ca_file} (or, without it, to the JDK's default trust store) and its certificate must
 * name the host of the backend URL. The protocol and suite policy is {@link TlsPolicy}'s.
 *
 * <p>Callers must create handlers with {@code context.newHandler(alloc, host, port)}, giving the
 * backend URL's host: Netty 4.2 turns on HTTPS endpoint identification for clients by default
 * (netty/netty#14127) and checks the certificate against that host, and the same host is sent as
 * SNI (not for IP addresses, as RFC 6066 requires) and keys session resumption. {@code
 * newHandler(alloc)} alone would verify against no name and fail every handshake. Endpoint
 * identification is also set here explicitly, so that the system property {@code
 * io.netty.handler.ssl.defaultEndpointVerificationAlgorithm} cannot turn it off.
 *
 * <p>When {@code insecure_skip_verify} is set the context accepts every certificate and host;
 * logging a WARN about it is the caller's job. Thread-safe.
 */
public final class UpstreamTlsContexts implements AutoCloseable {

    private final SslProvider provider;
    private final CertificateLoader loader;
    private final Map<BackendTlsConfig, SslContext> contexts = new HashMap<>();
    private boolean closed;

    /** Contexts of the preferred provider. */
    public UpstreamTlsContexts() {
        this(TlsPolicy.preferredProvider());
    }

    public UpstreamTlsContexts(SslProvider provider) {
        this.provider = provider;
        this.loader = new CertificateLoader(Clock.systemUTC());
    }

    public SslProvider provider() {
        return provider;
    }

    /**
     * The context for {@code config}, built on first use and then shared: call it while loading the
     * configuration, never per connection.
     *
     * @throws TlsConfigException when {@code ca_file} cannot be read or both settings are given;
     *     settings are named {@code ca_file} and {@code insecure_skip_verify}
     */
    public synchronized SslContext context(BackendTlsConfig config) throws TlsConfigException {
        if (closed) {
            throw new IllegalStateException("context: the upstream TLS contexts are closed");
        }
        SslContext context = contexts.get(config);
        if (context == null) {
            context = build(config);
            contexts.put(config, context);
        }
        return context;
    }

    /**
     * Releases every context. Call it only once no new backend connection can be opened with them;
     * open connections keep their engines.
     */
    @Override
    public synchronized void close() {
        closed = true;
        contexts.values().forEach(ReferenceCountUtil::release);
        contexts.clear();
    }

    private SslContext build(BackendTlsConfig config) throws TlsConfigException {
        Path caFile = config.caFile();
        if (config.insecureSkipVerify() && caFile != null) {
            throw new TlsConfigException(
                    List.of(
                            TlsProblem.error(
                                    "insecure_skip_verify",
                                    "is true and ca_file is set too; remove one of them")));
        }
        SslContextBuilder builder = TlsPolicy.apply(SslContextBuilder.forClient(), provider);
        if (config.insecureSkipVerify()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null);
        } else {
            builder.trustManager(trust(caFile)).endpointIdentificationAlgorithm("HTTPS");
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsConfigException(
                    List.of(
                            TlsProblem.error(
                                    caFile == null ? "tls" : "ca_file",
                                    "cannot be used by "
                                            + TlsPolicy.describe(provider)
                                            + ": "
                                            + e.getMessage())));
        }
    }

    private TrustManagerFactory trust(@Nullable Path caFile) throws TlsConfigException {
        try {
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                factory.init((KeyStore) null); // the JDK's default trust store
                return factory;
            }
            List<X509Certificate> cas = loader.loadCaCertificates(caFile, "ca_file");
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(
                    List.of(
                            TlsProblem.error(
                                    "ca_file",
                                    "cannot be made into a trust store: " + e.getMessage())));
        }
    }
}
