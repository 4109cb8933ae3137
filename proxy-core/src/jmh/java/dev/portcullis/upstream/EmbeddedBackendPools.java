package dev.portcullis.upstream;

import dev.portcullis.metrics.ProxyMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Gives a backend a pool whose one idle connection is an {@link EmbeddedChannel}, so that the
 * request path can be driven end to end in memory. The pool is the production one, keyed by the
 * client connection's event loop; it is never asked to connect, since a request always finds the
 * idle connection, which goes back to the pool after each complete response.
 */
public final class EmbeddedBackendPools {

    /** A response that leaves the connection complete, idle and reusable. */
    private static final String SEED_RESPONSE = "HTTP/1.1 204 No Content\r\n\r\n";

    private EmbeddedBackendPools() {}

    /**
     * Installs the pool and its connection.
     *
     * @param clientLoop the event loop of the client connections that will use the pool
     * @param channel the backend side; gets the connection's codec and handler
     */
    public static void install(
            Backend backend,
            Upstream upstream,
            EventLoop clientLoop,
            EmbeddedChannel channel,
            ProxyMetrics metrics) {
        BackendPool pool =
                new BackendPool(
                        backend,
                        clientLoop,
                        EmbeddedChannel.class,
                        InetSocketAddress.createUnresolved(
                                backend.config().host(), backend.config().port()),
                        upstream.config().pool(),
                        upstream.config().timeouts(),
                        upstream.config().circuitBreaker(),
                        BackendPools.responseDecoderConfig(),
                        null,
                        metrics);
        IdentityHashMap<EventLoop, BackendPool> byLoop = new IdentityHashMap<>();
        byLoop.put(clientLoop, pool);
        backend.installPools(byLoop);

        UpstreamConnection connection =
                UpstreamConnection.install(channel, pool, BackendPools.responseDecoderConfig());
        // One finished exchange puts the connection where a keep-alive response leaves it.
        connection.attach(new Discarding());
        channel.writeInbound(Unpooled.copiedBuffer(SEED_RESPONSE, StandardCharsets.US_ASCII));
        connection.release(true);
        if (pool.idleCount() != 1) {
            throw new IllegalStateException("the embedded connection did not go to the pool");
        }
    }

    /** Holds the connection for the seeding exchange and drops what it delivers. */
    private static final class Discarding implements UpstreamListener {
        @Override
        public void onResponseHead(HttpResponse head) {}

        @Override
        public void onResponseContent(HttpContent content) {
            content.release();
        }

        @Override
        public void onReadComplete() {}

        @Override
        public void onWritabilityChanged(boolean writable) {}

        @Override
        public void onTunnelData(ByteBuf data) {
            data.release();
        }

        @Override
        public void onClosed(@Nullable Throwable cause) {
            throw new IllegalStateException("the embedded backend connection closed", cause);
        }
    }
}
