package dev.portcullis.server.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * A TLS server on 127.0.0.1 with the production SNI handler and handshake metrics in front of a
 * handler that answers every read with {@link #REPLY} and records each completed handshake.
 */
final class TlsTestServer implements AutoCloseable {

    static final String REPLY_TEXT =
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok";
    static final byte[] REPLY = REPLY_TEXT.getBytes(US_ASCII);

    /** What the server saw of one completed handshake. */
    record Handshake(
            String protocol,
            String cipherSuite,
            @Nullable String applicationProtocol,
            @Nullable String clientSubject) {}

    private final Channel channel;
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Queue<Handshake> handshakes = new ConcurrentLinkedQueue<>();

    private TlsTestServer(
            EventLoopGroup group,
            ServerTlsContexts contexts,
            HandshakeMetrics metrics,
            Duration handshakeTimeout) {
        this.channel =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel child) {
                                        children.add(child);
                                        child.pipeline()
                                                .addLast(
                                                        contexts.newSniHandler(handshakeTimeout),
                                                        metrics.newHandler(),
                                                        new Replier());
                                    }
                                })
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .syncUninterruptibly()
                        .channel();
    }

    static TlsTestServer start(
            EventLoopGroup group, ServerTlsContexts contexts, HandshakeMetrics metrics) {
        return start(group, contexts, metrics, ServerTlsContexts.HANDSHAKE_TIMEOUT);
    }

    static TlsTestServer start(
            EventLoopGroup group,
            ServerTlsContexts contexts,
            HandshakeMetrics metrics,
            Duration handshakeTimeout) {
        return new TlsTestServer(group, contexts, metrics, handshakeTimeout);
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The handshakes completed so far, oldest first. */
    Queue<Handshake> handshakes() {
        return handshakes;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
    }

    private final class Replier extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent
                    && ((SslHandshakeCompletionEvent) event).isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                SSLSession session = ssl.engine().getSession();
                handshakes.add(
                        new Handshake(
                                session.getProtocol(),
                                session.getCipherSuite(),
                                ssl.applicationProtocol(),
                                ClientCertificates.subject(ctx.channel())));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(REPLY));
        }
    }
}
