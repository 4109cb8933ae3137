package dev.portcullis.upstream;

import dev.portcullis.config.BackendConfig;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One backend server of an upstream, shared by all event loops. It counts the requests in flight to
 * it, which the balancers read; its connection pools are kept per event loop.
 */
public final class Backend {

    private final String upstreamName;
    private final BackendConfig config;
    private final String id;
    private final AtomicInteger activeRequests = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger pendingConnections = new AtomicInteger();
    private volatile boolean available = true;
    private volatile Map<EventLoop, BackendPool> pools = Map.of();
    private volatile BackendObserver observer = BackendObserver.NONE;

    private final @Nullable InetAddress address;

    /** A backend whose host is resolved when its pools are installed. */
    public Backend(String upstreamName, BackendConfig config) {
        this(upstreamName, config, null);
    }

    /**
     * A backend at one resolved address of its configured host. A host name with several addresses
     * becomes several backends, told apart by the address in their id.
     */
    public Backend(String upstreamName, BackendConfig config, @Nullable InetAddress address) {
        this.upstreamName = upstreamName;
        this.config = config;
        this.address = address;
        boolean literal =
                NetUtil.isValidIpV4Address(config.host())
                        || NetUtil.isValidIpV6Address(config.host());
        this.id =
                address == null || literal
                        ? config.authority()
                        : config.authority() + "/" + address.getHostAddress();
    }

    /** The address connections go to, or null until resolved. */
    public @Nullable InetAddress address() {
        return address;
    }

    public String upstreamName() {
        return upstreamName;
    }

    /**
     * {@code host:port}, with {@code /address} for a host name; unique within its upstream,
     * bounded, fit for a metric label.
     */
    public String id() {
        return id;
    }

    public BackendConfig config() {
        return config;
    }

    public int weight() {
        return config.weight();
    }

    public int activeRequests() {
        return activeRequests.get();
    }

    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    public void requestFinished() {
        activeRequests.decrementAndGet();
    }

    /** Connections to this backend open or opening now, over all event loops. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Connections to this backend being opened now, over all event loops. */
    public int pendingConnections() {
        return pendingConnections.get();
    }

    /** Reserves a connection slot within both caps; false when the circuit breaker is open. */
    boolean tryReserveConnection(int maxConnections, int maxPending) {
        if (pendingConnections.incrementAndGet() > maxPending) {
            pendingConnections.decrementAndGet();
            return false;
        }
        if (openConnections.incrementAndGet() > maxConnections) {
            openConnections.decrementAndGet();
            pendingConnections.decrementAndGet();
            return false;
        }
        return true;
    }

    void connectionOpened() {
        pendingConnections.decrementAndGet();
    }

    void connectionFailed() {
        pendingConnections.decrementAndGet();
        openConnections.decrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    /** Whether the balancers may choose this backend now. */
    public boolean isAvailable() {
        return available;
    }

    public void setAvailable(boolean available) {
        this.available = available;
    }

    /**
     * Who is told the outcome of each request to this backend; {@link BackendObserver#NONE} at
     * first.
     */
    public BackendObserver observer() {
        return observer;
    }

    /** Replaces who is told the outcome of each request to this backend. */
    public void observer(BackendObserver value) {
        this.observer = value;
    }

    /** This backend's pool on the given event loop, or null before pools are installed. */
    public @Nullable BackendPool pool(EventLoop eventLoop) {
        return pools.get(eventLoop);
    }

    /** Whether pools were installed (a backend kept across a reload has them already). */
    public boolean hasPools() {
        return !pools.isEmpty();
    }

    void installPools(IdentityHashMap<EventLoop, BackendPool> byLoop) {
        this.pools = byLoop;
    }

    /** Closes every pool of this backend. */
    public void closePools() {
        for (BackendPool pool : pools.values()) {
            pool.close();
        }
    }

    /**
     * Closes the idle connections of every pool of this backend, each on its own event loop, and
     * keeps the pools usable: for a backend that stops taking traffic and may come back.
     */
    public void closeIdleConnections() {
        for (BackendPool pool : pools.values()) {
            pool.closeIdle();
        }
    }

    @Override
    public String toString() {
        return upstreamName + "/" + id;
    }
}
