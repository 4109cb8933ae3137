package dev.portcullis.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.BackendTlsConfig;
import dev.portcullis.testing.TestCertificates;
import dev.portcullis.testing.TestCertificates.Authority;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backend client contexts against a real TLS server whose first certificate is for another
 * name, so that a handshake only verifies when the client sent the backend's host as SNI.
 */
class UpstreamTlsContextsIT {

    private static final String BACKEND = "backend.test";

    @TempDir static Path dir;

    private static EventLoopGroup group;
    private static Authority backendCa;
    private static Authority otherCa;
    private static TestCertificates certificates;
    private static TlsFixture backend;

    @BeforeAll
    static void start() throws Exception {
        group = TlsProviders.newEventLoop();
        certificates = new TestCertificates(dir);
        backendCa = certificates.newAuthority("Backend CA");
        otherCa = certificates.newAuthority("Other CA");
        backend =
                TlsFixture.start(
                        group,
                        TlsPolicy.preferredProvider(),
                        TlsFixture.config(
                                false,
                                backendCa.server("default.test").issue().write(),
                                backendCa.server(BACKEND).ips("127.0.0.1").issue().write()));
    }

    @AfterAll
    static void stop() {
        backend.close();
        TlsProviders.shutdown(group);
    }

    static Stream<SslProvider> providers() {
        return TlsProviders.both();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void caFile_backendSignedByIt_verifiesHostSentAsSni(SslProvider provider) throws Throwable {
        try (UpstreamTlsContexts contexts = new UpstreamTlsContexts(provider)) {
            SslContext context =
                    contexts.context(new BackendTlsConfig(backendCa.certFile(), false));

            assertThat(handshake(context, BACKEND)).isEqualTo("TLSv1.3");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void caFile_backendByAddress_verifiesTheAddressInItsCertificate(SslProvider provider)
            throws Throwable {
        try (UpstreamTlsContexts contexts = new UpstreamTlsContexts(provider)) {
            SslContext context =
                    contexts.context(new BackendTlsConfig(backendCa.certFile(), false));

            // No SNI for an address: the server picks the certificate naming its local address.
            assertThat(handshake(context, "127.0.0.1")).isEqualTo("TLSv1.3");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void caFile_backendSignedByOtherCa_isRefused(SslProvider provider) throws Throwable {
        try (UpstreamTlsContexts contexts = new UpstreamTlsContexts(provider)) {
            SslContext context = contexts.context(new BackendTlsConfig(otherCa.certFile(), false));

            assertThatThrownBy(() -> handshake(context, BACKEND))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void caFile_hostNotInCertificate_isRefused(SslProvider provider) throws Throwable {
        try (UpstreamTlsContexts contexts = new UpstreamTlsContexts(provider)) {
            SslContext context =
                    contexts.context(new BackendTlsConfig(backendCa.certFile(), false));

            assertThatThrownBy(() -> handshake(context, "elsewhere.test"))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasStackTraceContaining("elsewhere.test");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void defaultTrust_privateCa_isRefused(SslProvider provider) throws Throwable {
        try (UpstreamTlsContexts contexts = new UpstreamTlsContexts(provider)) {
            SslContext context = contexts.context(BackendTlsConfig.verifyWithDefaultTrust());

            assertThatThrownBy(() -> handshake(context, BACKEND))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void insecureSkipVerify_selfSignedForAnotherHost_isAccepted(SslProvider provider)
            throws Throwable {
        var selfSigned = certificates.selfSigned(List.of("self.test"), List.of());
        try (TlsFixture other =
                        TlsFixture.start(group, provider, TlsFixture.config(false, selfSigned));
                UpstreamTlsContexts contexts = new UpstreamTlsContexts(provider)) {
            SslContext context = contexts.context(new BackendTlsConfig(null, true));

            assertThat(handshake(context, "elsewhere.test", other.port())).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void context_sameConfigTwice_isBuiltOnce() throws Throwable {
        try (UpstreamTlsContexts contexts = new UpstreamTlsContexts(SslProvider.JDK)) {
            BackendTlsConfig config = new BackendTlsConfig(backendCa.certFile(), false);

            assertThat(contexts.context(config))
                    .isSameAs(contexts.context(new BackendTlsConfig(backendCa.certFile(), false)));
        }
    }

    @Test
    void context_insecureTogetherWithCaFile_isRefused() {
        try (UpstreamTlsContexts contexts = new UpstreamTlsContexts(SslProvider.JDK)) {
            assertThatThrownBy(
                            () ->
                                    contexts.context(
                                            new BackendTlsConfig(backendCa.certFile(), true)))
                    .isInstanceOf(TlsConfigException.class)
                    .hasMessage(
                            "insecure_skip_verify: is true and ca_file is set too; remove one of"
                                    + " them");
        }
    }

    @Test
    void context_missingCaFile_namesIt() {
        Path missing = dir.resolve("no-ca.crt");
        try (UpstreamTlsContexts contexts = new UpstreamTlsContexts(SslProvider.JDK)) {
            assertThatThrownBy(() -> contexts.context(new BackendTlsConfig(missing, false)))
                    .isInstanceOf(TlsConfigException.class)
                    .hasMessage("ca_file: " + missing + " does not exist");
        }
    }

    /**
     * Connects to the backend with a handler made for {@code host}, as the pool does, and returns
     * the negotiated protocol or throws the handshake's failure.
     */
    private static String handshake(SslContext context, String host) throws Throwable {
        return handshake(context, host, backend.port());
    }

    private static String handshake(SslContext context, String host, int port) throws Throwable {
        CompletableFuture<SslHandler> handler = new CompletableFuture<>();
        Channel channel =
                new Bootstrap()
                        .group(group)
                        .channel(NioSocketChannel.class)
                        .handler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        SslHandler ssl = context.newHandler(ch.alloc(), host, port);
                                        ch.pipeline().addLast(ssl);
                                        handler.complete(ssl);
                                    }
                                })
                        .connect(InetAddress.getLoopbackAddress(), port)
                        .syncUninterruptibly()
                        .channel();
        try {
            Future<Channel> done = handler.get(5, TimeUnit.SECONDS).handshakeFuture();
            if (!done.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("handshake did not finish");
            }
            if (!done.isSuccess()) {
                throw done.cause();
            }
            return handler.get().engine().getSession().getProtocol();
        } finally {
            channel.close().syncUninterruptibly();
        }
    }
}
