package dev.portcullis.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket echo origin on 127.0.0.1 for tests, on Netty's own server handshake: every text
 * message on {@code /ws} is answered with {@code "echo: "} and the message, every binary one with
 * the same bytes. It records the text messages it received, the handshakes it completed, the close
 * frames it received (and answers each, then closes) and its connections that have closed.
 */
public final class WebSocketBackend implements AutoCloseable {

    /** The path on which the backend accepts WebSocket handshakes. */
    public static final String PATH = "/ws";

    private final EventLoopGroup group;
    private final Channel server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger closeFrames = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();

    private WebSocketBackend() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        WebSocketServerProtocolConfig protocol =
                WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(PATH)
                        // Close frames come to the echo handler, which counts them.
                        .handleCloseFrames(false)
                        .build();
        server =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel channel) {
                                        channel.closeFuture()
                                                .addListener(
                                                        closed ->
                                                                closedConnections
                                                                        .incrementAndGet());
                                        channel.pipeline()
                                                .addLast(new HttpServerCodec())
                                                .addLast(new HttpObjectAggregator(64 * 1024))
                                                .addLast(
                                                        new WebSocketServerProtocolHandler(
                                                                protocol))
                                                .addLast(new Echo());
                                    }
                                })
                        .bind("127.0.0.1", 0)
                        .sync()
                        .channel();
    }

    public static WebSocketBackend start() throws InterruptedException {
        return new WebSocketBackend();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Text messages received, in order. */
    public List<String> received() {
        return received;
    }

    public int handshakes() {
        return handshakes.get();
    }

    public int closeFrames() {
        return closeFrames.get();
    }

    public int closedConnections() {
        return closedConnections.get();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                handshakes.incrementAndGet();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                received.add(text.text());
                ctx.writeAndFlush(new TextWebSocketFrame("echo: " + text.text()));
            } else if (frame instanceof BinaryWebSocketFrame binary) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(binary.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame close) {
                closeFrames.incrementAndGet();
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), close.reasonText()))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
