package dev.portcullis.server.tls;

import dev.portcullis.config.CertificateConfig;
import dev.portcullis.config.ClientAuthMode;
import dev.portcullis.config.TlsConfig;
import dev.portcullis.metrics.MeterNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A test server with its own contexts and meters, for one provider. */
final class TlsFixture implements AutoCloseable {

    final ServerTlsContexts contexts;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TlsTestServer server;

    private TlsFixture(EventLoopGroup group, ServerTlsContexts contexts, Duration timeout) {
        this.contexts = contexts;
        this.server = TlsTestServer.start(group, contexts, new HandshakeMetrics(registry), timeout);
    }

    static TlsFixture start(EventLoopGroup group, SslProvider provider, TlsConfig config)
            throws TlsConfigException {
        return start(group, provider, config, ServerTlsContexts.HANDSHAKE_TIMEOUT);
    }

    static TlsFixture start(
            EventLoopGroup group, SslProvider provider, TlsConfig config, Duration timeout)
            throws TlsConfigException {
        return new TlsFixture(
                group, ServerTlsContexts.load(config, provider, Clock.systemUTC()), timeout);
    }

    static TlsConfig config(boolean http2, CertificateConfig... certificates) {
        return new TlsConfig(List.of(certificates), ClientAuthMode.NONE, null, http2);
    }

    static TlsConfig config(
            ClientAuthMode clientAuth, @Nullable Path clientCa, CertificateConfig... certificates) {
        return new TlsConfig(List.of(certificates), clientAuth, clientCa, false);
    }

    int port() {
        return server.port();
    }

    double failures(HandshakeFailureReason reason) {
        return registry.get(MeterNames.TLS_HANDSHAKE_FAILURES)
                .tag(MeterNames.TAG_REASON, reason.tag())
                .counter()
                .count();
    }

    double handshakes(String protocol) {
        return registry.get(MeterNames.TLS_HANDSHAKES)
                .tag(MeterNames.TAG_PROTOCOL, protocol)
                .counter()
                .count();
    }

    @Override
    public void close() {
        server.close();
        contexts.close();
    }
}
