package dev.portcullis.server;

import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.server.guard.ConnectionGuard;
import dev.portcullis.server.h1.RequestRejection;
import dev.portcullis.server.tls.HandshakeMetrics;
import dev.portcullis.server.tls.ServerTlsContexts;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** What every connection of one listener shares: its name, the serving state, its meters. */
final class ListenerContext {

    private final String name;
    private final boolean secure;
    private final @Nullable ServerTlsContexts tls;
    private final @Nullable HandshakeMetrics handshakeMetrics;
    private final boolean h2c;
    private final int redirectPort;
    private volatile boolean draining;
    private final AtomicReference<ServingState> state;
    private final ConnectionGuard guard;
    private final AtomicInteger activeConnections;
    private final Counter accepted;
    private final Counter smuggling;
    private final Counter limit;
    private final Counter malformed;

    /**
     * @param tls the listener's certificates, or null for a plain listener
     * @param h2c whether a plain listener also takes HTTP/2 with prior knowledge
     * @param redirectPort on a plain listener, the TLS port every request is redirected to; 0 for
     *     none
     */
    ListenerContext(
            String name,
            @Nullable ServerTlsContexts tls,
            @Nullable HandshakeMetrics handshakeMetrics,
            boolean h2c,
            int redirectPort,
            AtomicReference<ServingState> state,
            ConnectionGuard guard,
            ProxyMetrics metrics) {
        this.name = name;
        this.secure = tls != null;
        this.tls = tls;
        this.handshakeMetrics = handshakeMetrics;
        this.h2c = h2c;
        this.redirectPort = redirectPort;
        this.state = state;
        this.guard = guard;
        this.activeConnections = metrics.activeConnections(name);
        this.accepted = metrics.connectionsAccepted(name);
        this.smuggling = metrics.blocked(MeterNames.REASON_SMUGGLING);
        this.limit = metrics.blocked(MeterNames.REASON_LIMIT);
        this.malformed = metrics.blocked(MeterNames.REASON_MALFORMED);
    }

    String name() {
        return name;
    }

    boolean secure() {
        return secure;
    }

    @Nullable ServerTlsContexts tls() {
        return tls;
    }

    @Nullable HandshakeMetrics handshakeMetrics() {
        return handshakeMetrics;
    }

    boolean h2c() {
        return h2c;
    }

    /** Marks the listener as shutting down: connections accepted from now on serve one request. */
    void startDraining() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** The port plain requests are redirected to, or 0 when this listener proxies them. */
    int redirectPort() {
        return redirectPort;
    }

    /** The current serving state; an exchange reads it once. */
    ServingState state() {
        ServingState current = state.get();
        if (current == null) {
            throw new IllegalStateException("the proxy has not started");
        }
        return current;
    }

    ConnectionGuard guard() {
        return guard;
    }

    AtomicInteger activeConnections() {
        return activeConnections;
    }

    Counter accepted() {
        return accepted;
    }

    Counter blocked(RequestRejection.Kind kind) {
        return switch (kind) {
            case SMUGGLING -> smuggling;
            case LIMIT -> limit;
            case MALFORMED -> malformed;
        };
    }
}
