package dev.portcullis.server.guard;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open client connections, in all and per client address, and refuses a new one beyond
 * either cap. Shared by every listener and event loop. Memory stays bounded however many addresses
 * connect: an address has an entry only while it holds an open connection, so there are never more
 * entries than {@code max_connections}.
 */
public final class ConnectionGuard {

    /** Why a connection was refused, or that it was admitted. */
    public enum Admission {
        ADMITTED,
        TOTAL_LIMIT,
        PER_IP_LIMIT
    }

    /** Counts one more connection of an address; shared, so admitting allocates nothing. */
    private static final java.util.function.BiFunction<InetAddress, AtomicInteger, AtomicInteger>
            INCREMENT =
                    (address, count) -> {
                        AtomicInteger counter = count == null ? new AtomicInteger() : count;
                        counter.incrementAndGet();
                        return counter;
                    };

    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress =
            new ConcurrentHashMap<>();

    public ConnectionGuard(int maxConnections, int maxConnectionsPerIp) {
        this.maxConnections = maxConnections;
        this.maxConnectionsPerIp = maxConnectionsPerIp;
    }

    /**
     * Admits a connection from the address, or says which cap it hit; admitted ones must be
     * released.
     */
    public Admission tryAdmit(InetAddress address) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return Admission.TOTAL_LIMIT;
        }
        AtomicInteger count = perAddress.compute(address, INCREMENT);
        if (count != null && count.get() > maxConnectionsPerIp) {
            release(address);
            return Admission.PER_IP_LIMIT;
        }
        return Admission.ADMITTED;
    }

    /** Releases an admitted connection when it closes. */
    public void release(InetAddress address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(
                address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** Open connections now. */
    public int openConnections() {
        return open.get();
    }

    /** Addresses with at least one open connection now. */
    public int trackedAddresses() {
        return perAddress.size();
    }
}
