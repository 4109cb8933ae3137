package dev.portcullis.upstream;

import dev.portcullis.metrics.ProxyMetrics;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.IdentityHashMap;
import org.jspecify.annotations.Nullable;

/** Creates the per-event-loop pools of backends when the proxy starts. */
public final class BackendPools {

    private BackendPools() {}

    /**
     * The decoder settings for backend responses: the same strictness as for requests, with room
     * for the large headers (cookies) that responses carry.
     */
    static HttpDecoderConfig responseDecoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(8 * 1024)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
    }

    private static InetAddress resolvedAddress(Backend backend) throws UnknownHostException {
        InetAddress known = backend.address();
        return known != null ? known : InetAddress.getByName(backend.config().host());
    }

    /**
     * Gives every backend of the upstream one pool per event loop of the group. Resolves backend
     * host names, so it blocks: call it before serving, never on an event loop.
     *
     * @param tls the client context for {@code https://} backends, or null when the upstream has
     *     none (a backend with an https URL then fails to start)
     * @throws UnknownHostException when a backend's host name does not resolve
     */
    public static void install(
            Upstream upstream,
            EventLoopGroup group,
            Class<? extends Channel> channelType,
            ProxyMetrics metrics)
            throws UnknownHostException {
        install(upstream, group, channelType, metrics, null);
    }

    /** As {@link #install(Upstream, EventLoopGroup, Class, ProxyMetrics)}, with TLS. */
    public static void install(
            Upstream upstream,
            EventLoopGroup group,
            Class<? extends Channel> channelType,
            ProxyMetrics metrics,
            @Nullable SslContext tls)
            throws UnknownHostException {
        HttpDecoderConfig decoderConfig = responseDecoderConfig();
        for (Backend backend : upstream.backends()) {
            if (backend.hasPools()) {
                // Kept from the configuration before a reload, with its connections.
                continue;
            }
            InetSocketAddress address =
                    new InetSocketAddress(resolvedAddress(backend), backend.config().port());
            IdentityHashMap<EventLoop, BackendPool> byLoop = new IdentityHashMap<>();
            for (EventExecutor executor : group) {
                EventLoop loop = (EventLoop) executor;
                byLoop.put(
                        loop,
                        new BackendPool(
                                backend,
                                loop,
                                channelType,
                                address,
                                upstream.config().pool(),
                                upstream.config().timeouts(),
                                upstream.config().circuitBreaker(),
                                decoderConfig,
                                backend.config().tls() ? tls : null,
                                metrics));
            }
            backend.installPools(byLoop);
            metrics.backend(
                    upstream.name(),
                    backend.id(),
                    () -> backend.isAvailable() ? 1 : 0,
                    backend::activeRequests);
        }
    }
}
