package dev.portcullis.server;

import dev.portcullis.config.ListenerConfig;
import dev.portcullis.server.tls.CertificateWatcher;
import dev.portcullis.server.tls.ServerTlsContexts;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/** One bound listener: its configuration, its listening channel and its certificates. */
final class ListenerRuntime {

    private final ListenerConfig config;
    private final ListenerContext context;
    private final Channel channel;
    private final @Nullable ServerTlsContexts tls;
    private final @Nullable CertificateWatcher watcher;

    ListenerRuntime(
            ListenerConfig config,
            ListenerContext context,
            Channel channel,
            @Nullable ServerTlsContexts tls,
            @Nullable CertificateWatcher watcher) {
        this.config = config;
        this.context = context;
        this.channel = channel;
        this.tls = tls;
        this.watcher = watcher;
    }

    ListenerConfig config() {
        return config;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Nullable ServerTlsContexts tls() {
        return tls;
    }

    /** Tells connections of this listener, even ones being set up now, to close after a request. */
    void startDraining() {
        context.startDraining();
    }

    /** Stops accepting; connections already accepted carry on. */
    void stopAccepting() {
        channel.close().awaitUninterruptibly();
    }

    /** Stops accepting and lets go of the certificates once no handshake can use them. */
    void close() {
        stopAccepting();
        CertificateWatcher current = watcher;
        if (current != null) {
            current.close();
        }
        ServerTlsContexts contexts = tls;
        if (contexts != null) {
            contexts.close();
        }
    }
}
