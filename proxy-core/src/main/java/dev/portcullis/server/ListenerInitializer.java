package dev.portcullis.server;

import dev.portcullis.metrics.RateLimitedLog;
import dev.portcullis.server.guard.ConnectionGuard;
import dev.portcullis.server.tls.HandshakeMetrics;
import dev.portcullis.server.tls.ServerTlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of each accepted connection, after the connection guard has admitted it: a
 * refused connection is closed before a single byte is read.
 */
final class ListenerInitializer extends ChannelInitializer<SocketChannel> {

    private static final RateLimitedLog REFUSED =
            new RateLimitedLog(
                    LoggerFactory.getLogger(ListenerInitializer.class), Duration.ofSeconds(10));

    private final ListenerContext listener;
    private final ClientConnections clients;
    private final ChannelFutureListener onClose;

    /**
     * @param clients every admitted client connection is added here, so that a shutdown can reach
     *     them all
     */
    ListenerInitializer(ListenerContext listener, ClientConnections clients) {
        this.listener = listener;
        this.clients = clients;
        this.onClose = this::closed;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        InetAddress address = peerOf(channel);
        ConnectionGuard guard = listener.guard();
        ConnectionGuard.Admission admission = guard.tryAdmit(address);
        if (admission != ConnectionGuard.Admission.ADMITTED) {
            listener.blocked(dev.portcullis.server.h1.RequestRejection.Kind.LIMIT).increment();
            REFUSED.warn(
                    "Refused a connection on listener {}: {} reached (client {}); raise"
                            + " limits.max_connections or limits.max_connections_per_ip if this"
                            + " is legitimate traffic",
                    listener.name(),
                    admission == ConnectionGuard.Admission.TOTAL_LIMIT
                            ? "max_connections"
                            : "max_connections_per_ip",
                    address.getHostAddress());
            channel.close();
            return;
        }
        listener.accepted().increment();
        listener.activeConnections().incrementAndGet();
        clients.admitted(channel, onClose);
        ChannelPipeline pipeline = channel.pipeline();
        ServerTlsContexts tls = listener.tls();
        HandshakeMetrics handshakes = listener.handshakeMetrics();
        if (tls != null && handshakes != null) {
            pipeline.addLast("sni", tls.newSniHandler());
            pipeline.addLast("handshake-metrics", handshakes.newHandler());
            pipeline.addLast("alpn", new AlpnSetup(listener));
            // Nothing reads by itself on a client connection; the TLS stage needs the first read.
            channel.eventLoop().execute(channel::read);
        } else if (listener.h2c()) {
            pipeline.addLast("h2c-detector", new PriorKnowledgeDetector(listener));
        } else {
            Http1Setup.configure(pipeline, listener);
        }
    }

    /** Undoes what admitting a connection did; the peer address is still known after a close. */
    private void closed(ChannelFuture future) {
        Channel channel = future.channel();
        clients.closed(channel);
        listener.guard().release(peerOf(channel));
        listener.activeConnections().decrementAndGet();
    }

    private static InetAddress peerOf(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress remote
                ? remote.getAddress()
                : InetAddress.getLoopbackAddress();
    }
}
