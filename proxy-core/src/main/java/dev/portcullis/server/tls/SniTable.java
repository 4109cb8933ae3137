package dev.portcullis.server.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One generation of server contexts and the names that select them: exact DNS names first, then
 * wildcards ({@code *.example.com} covers exactly one more label), then IP addresses, then the
 * first certificate. When two certificates claim a name, the one listed first keeps it.
 *
 * <p>The table owns its contexts and counts its users: the owner's reference, dropped when a reload
 * replaces the table, plus one per handshake that is between choosing a context and creating its
 * engine. The OpenSSL contexts are released when the count reaches zero; an engine made from them
 * holds its own reference, so open connections are unaffected.
 */
final class SniTable {

    private final List<LoadedCertificate> certificates;
    private final List<SslContext> contexts;
    private final List<TlsProblem> warnings;
    private final Map<String, SslContext> exactNames = new HashMap<>();
    private final Map<String, SslContext> wildcardParents = new HashMap<>();
    private final Map<InetAddress, SslContext> addresses = new HashMap<>();
    private final AtomicInteger users = new AtomicInteger(1);

    SniTable(
            List<LoadedCertificate> certificates,
            List<SslContext> contexts,
            List<TlsProblem> warnings) {
        this.certificates = List.copyOf(certificates);
        this.contexts = List.copyOf(contexts);
        this.warnings = List.copyOf(warnings);
        for (int i = 0; i < certificates.size(); i++) {
            LoadedCertificate certificate = certificates.get(i);
            SslContext context = contexts.get(i);
            for (String name : certificate.dnsNames()) {
                if (name.startsWith("*.")) {
                    wildcardParents.putIfAbsent(name.substring(2), context);
                } else {
                    exactNames.putIfAbsent(name, context);
                }
            }
            for (InetAddress address : certificate.ipAddresses()) {
                addresses.putIfAbsent(address, context);
            }
        }
    }

    List<LoadedCertificate> certificates() {
        return certificates;
    }

    List<TlsProblem> warnings() {
        return warnings;
    }

    /** The contexts in configuration order. */
    List<SslContext> contexts() {
        return contexts;
    }

    SslContext defaultContext() {
        return contexts.get(0);
    }

    /** The context for an SNI host name; Netty has already put it in lower case. */
    SslContext forHostName(@Nullable String hostName) {
        if (hostName == null || hostName.isEmpty()) {
            return defaultContext();
        }
        String name =
                hostName.endsWith(".") ? hostName.substring(0, hostName.length() - 1) : hostName;
        name = name.toLowerCase(Locale.ROOT);
        SslContext exact = exactNames.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            SslContext wildcard = wildcardParents.get(name.substring(dot + 1));
            if (wildcard != null) {
                return wildcard;
            }
        }
        // RFC 6066 §3 forbids address literals in SNI, but some clients send them anyway.
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(name);
        return literal == null ? defaultContext() : forAddress(literal);
    }

    /**
     * The context for a client that sent no SNI, as clients do when they connect to an address: the
     * certificate that names the address the connection arrived on.
     */
    SslContext forLocalAddress(@Nullable SocketAddress localAddress) {
        if (localAddress instanceof InetSocketAddress) {
            InetAddress address = ((InetSocketAddress) localAddress).getAddress();
            if (address != null) {
                return forAddress(address);
            }
        }
        return defaultContext();
    }

    private SslContext forAddress(InetAddress address) {
        SslContext context = addresses.get(address);
        return context == null ? defaultContext() : context;
    }

    /** Takes a reference unless the table has already been released. */
    boolean tryRetain() {
        for (int count = users.get(); count > 0; count = users.get()) {
            if (users.compareAndSet(count, count + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops a reference; the last one releases the contexts. */
    void release() {
        if (users.decrementAndGet() == 0) {
            contexts.forEach(ReferenceCountUtil::release);
        }
    }
}
