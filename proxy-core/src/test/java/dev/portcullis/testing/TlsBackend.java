package dev.portcullis.testing;

import dev.portcullis.config.CertificateConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * An HTTPS origin on 127.0.0.1 for tests of {@code https://} backends: it serves one certificate,
 * records the SNI name of every ClientHello it reads (whether the handshake then succeeds or not)
 * and the target of every request it answers, and answers each request with 200 and the body {@code
 * secure}.
 */
public final class TlsBackend implements AutoCloseable {

    /** What {@link #serverNames()} holds for a ClientHello without SNI. */
    public static final String NO_SNI = "";

    private static final byte[] BODY = "secure".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel server;
    private final List<String> serverNames = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private TlsBackend(CertificateConfig certificate) throws SSLException {
        SslContext context =
                SslContextBuilder.forServer(
                                certificate.certFile().toFile(),
                                certificate.keyFile().toFile(),
                                certificate.keyPassword())
                        .build();
        Mapping<String, SslContext> recording =
                name -> {
                    serverNames.add(name == null ? NO_SNI : name);
                    return context;
                };
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel channel) {
                                        channel.pipeline()
                                                .addLast(new SniHandler(recording))
                                                .addLast(new HttpServerCodec())
                                                .addLast(new Answer());
                                    }
                                })
                        .bind("127.0.0.1", 0)
                        .syncUninterruptibly()
                        .channel();
    }

    /** Starts serving {@code certificate} on a free port. */
    public static TlsBackend start(CertificateConfig certificate) throws SSLException {
        return new TlsBackend(certificate);
    }

    /** {@code https://<host>:<port>}, the backend URL under a host name of the test's choosing. */
    public URI url(String host) {
        return URI.create("https://" + host + ":" + address().getPort());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The SNI names of the ClientHellos received, in order; {@link #NO_SNI} for none. */
    public List<String> serverNames() {
        return serverNames;
    }

    /** The targets of the requests answered, in order. */
    public List<String> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Answer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    requests.add(request.uri());
                }
                if (msg instanceof LastHttpContent) {
                    DefaultFullHttpResponse response =
                            new DefaultFullHttpResponse(
                                    HttpVersion.HTTP_1_1,
                                    HttpResponseStatus.OK,
                                    Unpooled.wrappedBuffer(BODY));
                    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
                    ctx.writeAndFlush(response);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
