package dev.portcullis.server;

import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.server.guard.ConnectionGuard;
import dev.portcullis.server.h1.RequestRejection;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** What every connection of one listener shares: its name, the serving state, its meters. */
final class ListenerContext {

    private final String name;
    private final boolean secure;
    private final AtomicReference<ServingState> state;
    private final ConnectionGuard guard;
    private final AtomicInteger activeConnections;
    private final Counter accepted;
    private final Counter smuggling;
    private final Counter limit;
    private final Counter malformed;

    ListenerContext(
            String name,
            boolean secure,
            AtomicReference<ServingState> state,
            ConnectionGuard guard,
            ProxyMetrics metrics) {
        this.name = name;
        this.secure = secure;
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
