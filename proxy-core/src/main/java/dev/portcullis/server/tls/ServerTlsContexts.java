package dev.portcullis.server.tls;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.TlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * The server TLS contexts of one listener: one {@link SslContext} per configured certificate, built
 * once and shared by every connection, and the SNI table that picks among them.
 *
 * <p>{@link #reload()} re-reads every file and swaps the whole table at once, only when all of it
 * loads; a handshake sees either the old table or the new one, never a mix. Replaced OpenSSL
 * contexts are released as soon as no handshake in progress can still pick them; connections
 * already open keep their engines.
 *
 * <p>Pipeline use: put {@link #newSniHandler()} first after the connection guard, and a {@link
 * HandshakeMetrics#newHandler()} right after it. The SNI handler replaces itself with the chosen
 * {@code SslHandler}; ALPN then yields {@code h2} only when {@link TlsConfig#http2()} is set.
 *
 * <p>Thread-safe. Building and reloading read files and must not run on an event loop.
 */
public final class ServerTlsContexts implements AutoCloseable {

    /** Time from accept to the end of the handshake, ClientHello included. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Largest ClientHello accepted: one full TLS record, far above what browsers send (about 2 KiB
     * with post-quantum key shares), and small enough that a client cannot make the SNI stage
     * buffer much (CVE-2023-34462; Netty's own default is 64 KiB).
     */
    public static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

    private static final ApplicationProtocolConfig H2_AND_HTTP11 =
            alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    private static final ApplicationProtocolConfig HTTP11_ONLY =
            alpn(ApplicationProtocolNames.HTTP_1_1);

    private final TlsConfig config;
    private final SslProvider provider;
    private final CertificateLoader loader;
    private final AtomicReference<SniTable> current;
    private final Mapping<String, SslContext> mapping;
    private boolean closed;

    private ServerTlsContexts(
            TlsConfig config, SslProvider provider, CertificateLoader loader, SniTable table) {
        this.config = config;
        this.provider = provider;
        this.loader = loader;
        this.current = new AtomicReference<>(table);
        this.mapping = hostName -> table().forHostName(hostName);
    }

    /** Loads the contexts with the preferred provider and the system clock. */
    public static ServerTlsContexts load(TlsConfig config) throws TlsConfigException {
        return load(config, TlsPolicy.preferredProvider(), Clock.systemUTC());
    }

    /**
     * Loads and checks every file of {@code config} and builds its contexts.
     *
     * @throws TlsConfigException with every problem, when any is an error; settings are named
     *     relative to the {@code tls} block, as in {@code certificates[1].key_file}
     */
    public static ServerTlsContexts load(TlsConfig config, SslProvider provider, Clock clock)
            throws TlsConfigException {
        CertificateLoader loader = new CertificateLoader(clock);
        return new ServerTlsContexts(config, provider, loader, build(config, provider, loader));
    }

    public SslProvider provider() {
        return provider;
    }

    /** The provider and protocols, for the start-up line. */
    public String description() {
        return TlsPolicy.describe(provider);
    }

    /** The certificates now served, in configuration order. */
    public List<LoadedCertificate> certificates() {
        return table().certificates();
    }

    /** The warnings of the load now in use, such as a certificate near expiry. */
    public List<TlsProblem> warnings() {
        return table().warnings();
    }

    /** Every file the contexts are built from: certificates, keys and the client CA file. */
    public Set<Path> files() {
        Set<Path> files = new LinkedHashSet<>();
        for (CertificateConfig certificate : config.certificates()) {
            files.add(certificate.certFile());
            files.add(certificate.keyFile());
        }
        Path clientCaFile = config.clientCaFile();
        if (clientCaFile != null) {
            files.add(clientCaFile);
        }
        return files;
    }

    /**
     * SNI host name to context, through the current table; {@code null} or an unknown name gives
     * the first certificate's context. For inspection: a context obtained here may be released by a
     * later reload, so handlers must come from {@link #newSniHandler()}.
     */
    public Mapping<String, SslContext> mapping() {
        return mapping;
    }

    /** The current context of the {@code index}th configured certificate. */
    SslContext context(int index) {
        return table().contexts().get(index);
    }

    /**
     * A new SNI handler for one connection, with the ClientHello capped at {@link
     * #MAX_CLIENT_HELLO_BYTES} and the handshake at {@link #HANDSHAKE_TIMEOUT}.
     */
    public SniHandler newSniHandler() {
        return newSniHandler(HANDSHAKE_TIMEOUT);
    }

    /** A new SNI handler whose whole handshake must end within {@code handshakeTimeout}. */
    public SniHandler newSniHandler(Duration handshakeTimeout) {
        return new SelectingSniHandler(this, MAX_CLIENT_HELLO_BYTES, handshakeTimeout.toMillis());
    }

    /**
     * Re-reads every file and, when all of them load, replaces every context at once. Otherwise the
     * current contexts stay and the result carries the errors.
     */
    public synchronized ReloadResult reload() {
        if (closed) {
            throw new IllegalStateException("reload: the TLS contexts are closed");
        }
        SniTable next;
        try {
            next = build(config, provider, loader);
        } catch (TlsConfigException e) {
            return new ReloadResult(false, e.problems());
        }
        SniTable previous = table();
        current.set(next);
        previous.release();
        return new ReloadResult(true, next.warnings());
    }

    /**
     * Releases the contexts once no handshake in progress needs them; handshakes that start
     * afterwards fail. Open connections are unaffected.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            table().release();
        }
    }

    private SniTable table() {
        SniTable table = current.get();
        if (table == null) {
            throw new IllegalStateException("the TLS contexts have no table"); // set at creation
        }
        return table;
    }

    /** The current table with a reference taken; the caller releases it. */
    SniTable acquire() {
        while (true) {
            SniTable table = table();
            if (table.tryRetain()) {
                return table;
            }
            if (current.get() == table) {
                throw new IllegalStateException("the TLS contexts of this listener are closed");
            }
            // A reload released this table between the read and the retain: take the new one.
        }
    }

    private static SniTable build(TlsConfig config, SslProvider provider, CertificateLoader loader)
            throws TlsConfigException {
        List<TlsProblem> problems = new ArrayList<>();
        if (config.certificates().isEmpty()) {
            problems.add(TlsProblem.error("certificates", "is empty; list at least one"));
        }
        List<LoadedCertificate> loaded = new ArrayList<>();
        for (int i = 0; i < config.certificates().size(); i++) {
            String parent = "certificates[" + i + "]";
            try {
                LoadedCertificate certificate = loader.load(config.certificates().get(i));
                loaded.add(certificate);
                certificate.warnings().forEach(w -> problems.add(w.under(parent)));
            } catch (TlsConfigException e) {
                e.problems().forEach(p -> problems.add(p.under(parent)));
            }
        }
        List<X509Certificate> clientCas = clientCas(config, loader, problems);
        if (TlsProblem.anyError(problems)) {
            throw new TlsConfigException(problems);
        }
        return new SniTable(loaded, contexts(config, provider, loaded, clientCas), problems);
    }

    private static List<X509Certificate> clientCas(
            TlsConfig config, CertificateLoader loader, List<TlsProblem> problems) {
        Path file = config.clientCaFile();
        boolean wanted = config.clientAuth() != ClientAuthMode.NONE;
        if (wanted && file == null) {
            problems.add(
                    TlsProblem.error(
                            "client_auth",
                            "is "
                                    + config.clientAuth().name().toLowerCase(Locale.ROOT)
                                    + " but client_ca_file is not set; set it to the CA that"
                                    + " issues client certificates"));
            return List.of();
        }
        if (!wanted && file != null) {
            problems.add(
                    TlsProblem.error(
                            "client_ca_file",
                            "is set but client_auth is none; set client_auth to optional or"
                                    + " require, or remove client_ca_file"));
            return List.of();
        }
        if (file == null) {
            return List.of();
        }
        try {
            return loader.loadCaCertificates(file, "client_ca_file");
        } catch (TlsConfigException e) {
            problems.addAll(e.problems());
            return List.of();
        }
    }

    private static List<SslContext> contexts(
            TlsConfig config,
            SslProvider provider,
            List<LoadedCertificate> certificates,
            List<X509Certificate> clientCas)
            throws TlsConfigException {
        List<SslContext> contexts = new ArrayList<>();
        for (int i = 0; i < certificates.size(); i++) {
            try {
                contexts.add(newContext(config, provider, certificates.get(i), clientCas));
            } catch (SSLException | RuntimeException e) {
                contexts.forEach(ReferenceCountUtil::release);
                throw new TlsConfigException(
                        List.of(
                                TlsProblem.error(
                                        "certificates[" + i + "]",
                                        "cannot be used by "
                                                + TlsPolicy.describe(provider)
                                                + ": "
                                                + e.getMessage())));
            }
        }
        return contexts;
    }

    private static SslContext newContext(
            TlsConfig config,
            SslProvider provider,
            LoadedCertificate certificate,
            List<X509Certificate> clientCas)
            throws SSLException {
        SslContextBuilder builder =
                SslContextBuilder.forServer(
                        certificate.key(), certificate.chain().toArray(new X509Certificate[0]));
        TlsPolicy.apply(builder, provider)
                .applicationProtocolConfig(config.http2() ? H2_AND_HTTP11 : HTTP11_ONLY);
        if (config.clientAuth() != ClientAuthMode.NONE) {
            builder.clientAuth(clientAuth(config.clientAuth()))
                    .trustManager(clientCas.toArray(new X509Certificate[0]));
        }
        return builder.build();
    }

    private static ClientAuth clientAuth(ClientAuthMode mode) {
        return mode == ClientAuthMode.REQUIRE ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL;
    }

    private static ApplicationProtocolConfig alpn(String... protocols) {
        // NO_ADVERTISE and ACCEPT: a client that offers none of ours gets no ALPN answer and
        // talks HTTP/1.1, the same on both providers.
        return new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                protocols);
    }

    @Override
    public String toString() {
        return "ServerTlsContexts[" + description() + ", " + certificates() + "]";
    }
}
