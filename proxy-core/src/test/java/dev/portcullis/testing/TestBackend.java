package dev.portcullis.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 origin on 127.0.0.1 for tests: it records every request it receives (head and
 * body length) and answers through a {@link Responder}. It counts accepted connections and the
 * times a response write found its channel unwritable, which is how tests see backpressure.
 */
public final class TestBackend implements AutoCloseable {

    /** A request as the backend received it. */
    public record Recorded(
            String method, String uri, HttpHeaders headers, long bodyLength, int connection) {}

    /** Decides the answer to a request once its body has been read. */
    @FunctionalInterface
    public interface Responder {
        void respond(Recorded request, Reply reply);
    }

    private final String name;
    private final EventLoopGroup group;
    private final Channel server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Integer> openConnections = ConcurrentHashMap.newKeySet();
    private final AtomicLong blockedWrites = new AtomicLong();
    private volatile Responder responder;

    private TestBackend(String name, Responder responder) throws InterruptedException {
        this.name = name;
        this.responder = responder;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        TestBackend self = this;
        this.server =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childOption(
                                ChannelOption.WRITE_BUFFER_WATER_MARK,
                                new WriteBufferWaterMark(16 * 1024, 32 * 1024))
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel channel) {
                                        int number = connections.incrementAndGet();
                                        openConnections.add(number);
                                        channel.closeFuture()
                                                .addListener(
                                                        closed -> openConnections.remove(number));
                                        channel.pipeline()
                                                .addLast(new HttpServerCodec())
                                                .addLast(self.new Handler(number));
                                    }
                                })
                        .bind("127.0.0.1", 0)
                        .sync()
                        .channel();
    }

    /** A backend that answers 200 with a body naming it. */
    public static TestBackend start(String name) throws InterruptedException {
        return new TestBackend(name, (request, reply) -> reply.text(200, name));
    }

    public static TestBackend start(String name, Responder responder) throws InterruptedException {
        return new TestBackend(name, responder);
    }

    public void responder(Responder value) {
        this.responder = value;
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public List<Recorded> requests() {
        return requests;
    }

    public int acceptedConnections() {
        return connections.get();
    }

    /** Connections open right now; one closed by either side is no longer counted. */
    public int openConnections() {
        return openConnections.size();
    }

    /**
     * Whether the connection of this number (as in {@link Recorded#connection()}) is still open as
     * the backend sees it.
     */
    public boolean isOpen(int connection) {
        return openConnections.contains(connection);
    }

    /** Times a streamed response found the channel unwritable and waited. */
    public long blockedWrites() {
        return blockedWrites.get();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** How the responder answers; runs on the connection's event loop. */
    public final class Reply {
        private final ChannelHandlerContext ctx;
        private final boolean keepAlive;

        private Reply(ChannelHandlerContext ctx, boolean keepAlive) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
        }

        public void text(int status, String body) {
            bytes(status, body.getBytes(StandardCharsets.UTF_8), "text/plain");
        }

        public void bytes(int status, byte[] body, String contentType) {
            DefaultFullHttpResponse response =
                    new DefaultFullHttpResponse(
                            HttpVersion.HTTP_1_1,
                            HttpResponseStatus.valueOf(status),
                            Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set("X-Backend", name);
            write(response);
        }

        /** Answers with headers chosen by the test. */
        public void custom(DefaultFullHttpResponse response) {
            write(response);
        }

        private void write(DefaultFullHttpResponse response) {
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /**
         * Streams {@code length} bytes with a Content-Length, writing the next chunk only when the
         * channel is writable, and counting the waits.
         */
        public void stream(long length, boolean chunked) {
            DefaultHttpResponse head =
                    new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            if (chunked) {
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            } else {
                head.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
            }
            head.headers().set("X-Backend", name);
            ctx.write(head);
            new Streamer(ctx, length).run();
        }

        /** Sends the head and part of the body, then closes the connection. */
        public void truncated(long declared, int sent) {
            DefaultHttpResponse head =
                    new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_LENGTH, declared);
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[sent])))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        /** Closes the connection without answering. */
        public void drop() {
            ctx.close();
        }

        /** Answers later, from the event loop's timer. */
        public void later(long millis, Runnable answer) {
            ctx.executor().schedule(answer, millis, TimeUnit.MILLISECONDS);
        }
    }

    private final class Streamer implements Runnable {
        private static final int CHUNK = 16 * 1024;
        private final ChannelHandlerContext ctx;
        private long remaining;
        private final ByteBuf chunk =
                Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[CHUNK]));

        Streamer(ChannelHandlerContext ctx, long length) {
            this.ctx = ctx;
            this.remaining = length;
        }

        @Override
        public void run() {
            while (remaining > 0) {
                if (!ctx.channel().isActive()) {
                    return;
                }
                if (!ctx.channel().isWritable()) {
                    blockedWrites.incrementAndGet();
                    ctx.flush();
                    ctx.channel().eventLoop().schedule(this, 1, TimeUnit.MILLISECONDS);
                    return;
                }
                int size = (int) Math.min(CHUNK, remaining);
                remaining -= size;
                ctx.write(new DefaultHttpContent(chunk.retainedSlice(0, size)));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final int connection;
        private HttpRequest head;
        private long bodyLength;

        Handler(int connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    head = request;
                    bodyLength = 0;
                }
                if (msg instanceof HttpContent content) {
                    bodyLength += content.content().readableBytes();
                    if (content instanceof LastHttpContent && head != null) {
                        Recorded recorded =
                                new Recorded(
                                        head.method().name(),
                                        head.uri(),
                                        head.headers().copy(),
                                        bodyLength,
                                        connection);
                        requests.add(recorded);
                        boolean keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(head);
                        responder.respond(recorded, new Reply(ctx, keepAlive));
                    }
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
