package dev.portcullis.server.tls;

import dev.portcullis.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslProtocols;

/**
 * The handshake meters, {@code portcullis_tls_handshakes_total{protocol}} and {@code
 * portcullis_tls_handshake_failures_total{reason}}, registered once with every tag value of their
 * bounded sets so that dashboards show zeros rather than gaps. Thread-safe; share one instance.
 */
public final class HandshakeMetrics {

    static final String OTHER_PROTOCOL = "other";

    private final Counter tls13;
    private final Counter tls12;
    private final Counter otherProtocol;
    private final Counter[] failures = new Counter[HandshakeFailureReason.values().length];

    public HandshakeMetrics(MeterRegistry registry) {
        tls13 = handshakes(registry, SslProtocols.TLS_v1_3);
        tls12 = handshakes(registry, SslProtocols.TLS_v1_2);
        otherProtocol = handshakes(registry, OTHER_PROTOCOL);
        for (HandshakeFailureReason reason : HandshakeFailureReason.values()) {
            failures[reason.ordinal()] =
                    Counter.builder(MeterNames.TLS_HANDSHAKE_FAILURES)
                            .description("TLS handshakes that failed, by reason")
                            .tag(MeterNames.TAG_REASON, reason.tag())
                            .register(registry);
        }
    }

    /**
     * A handler for one connection that counts its handshake; it goes right after the SNI handler,
     * see {@link ServerTlsContexts}.
     */
    public ChannelHandler newHandler() {
        return new HandshakeMetricsHandler(this);
    }

    void succeeded(String protocol) {
        if (SslProtocols.TLS_v1_3.equals(protocol)) {
            tls13.increment();
        } else if (SslProtocols.TLS_v1_2.equals(protocol)) {
            tls12.increment();
        } else {
            otherProtocol.increment();
        }
    }

    void failed(HandshakeFailureReason reason) {
        failures[reason.ordinal()].increment();
    }

    private static Counter handshakes(MeterRegistry registry, String protocol) {
        return Counter.builder(MeterNames.TLS_HANDSHAKES)
                .description("TLS handshakes completed, by protocol")
                .tag(MeterNames.TAG_PROTOCOL, protocol)
                .register(registry);
    }
}
