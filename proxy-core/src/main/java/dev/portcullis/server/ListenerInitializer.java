package dev.portcullis.server;

import dev.portcullis.config.LimitsConfig;
import dev.portcullis.metrics.RateLimitedLog;
import dev.portcullis.server.guard.ConnectionGuard;
import dev.portcullis.server.h1.Http1RequestDecoder;
import dev.portcullis.server.h1.Http1ResponseEncoder;
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

    ListenerInitializer(ListenerContext listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        InetSocketAddress remote = channel.remoteAddress();
        InetAddress address =
                remote == null ? InetAddress.getLoopbackAddress() : remote.getAddress();
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
        channel.closeFuture()
                .addListener(
                        ignored -> {
                            guard.release(address);
                            listener.activeConnections().decrementAndGet();
                        });
        LimitsConfig limits = listener.state().limits();
        Http1RequestDecoder decoder =
                new Http1RequestDecoder(
                        limits.maxRequestLine().toIntSaturated(),
                        limits.maxHeaderBytes().toIntSaturated(),
                        limits.maxHeaders());
        Http1ResponseEncoder encoder = new Http1ResponseEncoder();
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("decoder", decoder);
        pipeline.addLast("encoder", encoder);
        pipeline.addLast("connection", new Http1Connection(listener, decoder, encoder));
    }
}
