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
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
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
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A real HTTP/1.1 origin on 127.0.0.1 for tests: it records every request it receives (head and
 * body length) and answers through a {@link Responder}. It counts accepted connections and the
 * times a response write found its channel unwritable, which is how tests see backpressure.
 *
 * <p>It also keeps a CRC-32 of each request body (in the order of {@link #requests()}), counts
 * request heads as they arrive (before their bodies), body bytes as they arrive, the bytes its
 * streamed responses handed to the socket, and its connections that have closed.
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
    private final List<Long> bodyChecksums = new CopyOnWriteArrayList<>();
    private final AtomicInteger receivedHeads = new AtomicInteger();
    private final AtomicLong receivedBodyBytes = new AtomicLong();
    private final AtomicLong streamedBytes = new AtomicLong();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean readingPaused;
    private volatile Responder responder;

    private TestBackend(String name, Responder responder) throws InterruptedException {
        this(name, 0, responder);
    }

    private TestBackend(String name, int port, Responder responder) throws InterruptedException {
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
                        // A backend started again on the port of one that stopped binds at once.
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel channel) {
                                        int number = connections.incrementAndGet();
                                        children.add(channel);
                                        openConnections.add(number);
                                        if (readingPaused) {
                                            channel.config().setAutoRead(false);
                                        }
                                        channel.closeFuture()
                                                .addListener(
                                                        closed -> {
                                                            closedConnections.incrementAndGet();
                                                            openConnections.remove(number);
                                                        });
                                        channel.pipeline()
                                                .addLast(new HttpServerCodec())
                                                .addLast(self.new Handler(number));
                                    }
                                })
                        .bind("127.0.0.1", port)
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

    /**
     * A backend on a port of the test's choosing, as a backend that restarts on the port of one
     * that was {@link #close() closed}.
     */
    public static TestBackend start(String name, int port, Responder responder)
            throws InterruptedException {
        return new TestBackend(name, port, responder);
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

    /**
     * The CRC-32 of each recorded request's body, in the order of {@link #requests()}: the value at
     * an index is there before the request at that index is.
     */
    public List<Long> bodyChecksums() {
        return bodyChecksums;
    }

    /** Request heads received so far, counted before their bodies are read. */
    public int receivedHeads() {
        return receivedHeads.get();
    }

    /** Request body bytes received so far, counted as they arrive. */
    public long receivedBodyBytes() {
        return receivedBodyBytes.get();
    }

    /** Body bytes that streamed responses have handed to their channels so far. */
    public long streamedBytes() {
        return streamedBytes.get();
    }

    /** Connections accepted and since closed, by either side. */
    public int closedConnections() {
        return closedConnections.get();
    }

    /**
     * Stops reading on every connection, present and future, as a backend too busy to take a
     * request body would: what the proxy sends piles up in the socket buffers.
     */
    public void pauseReading() {
        readingPaused = true;
        children.forEach(channel -> channel.config().setAutoRead(false));
    }

    /** Reads again after {@link #pauseReading()}. */
    public void resumeReading() {
        readingPaused = false;
        children.forEach(channel -> channel.config().setAutoRead(true));
    }

    /**
     * The byte at {@code offset} of a body sent by {@link Reply#streamPattern}: a pattern that
     * repeats every 16 KiB and differs from one byte to the next, so shifted or corrupted data
     * shows.
     */
    public static byte patternByte(long offset) {
        int i = (int) (offset % Streamer.CHUNK);
        return (byte) (i * 31 + (i >>> 8));
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        // Like a process that exits: every accepted connection closes now, also one that the
        // event loop would not get to once it is shutting down.
        children.close().awaitUninterruptibly();
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

        /** Answers with {@code Connection: close} and closes once the response is written. */
        public void textAndClose(int status, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            DefaultFullHttpResponse response =
                    new DefaultFullHttpResponse(
                            HttpVersion.HTTP_1_1,
                            HttpResponseStatus.valueOf(status),
                            Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            response.headers().set(HttpHeaderNames.CONNECTION, "close");
            response.headers().set("X-Backend", name);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        /**
         * Closes the connection after the delay, without a word: what a backend's keep-alive
         * timeout does to an idle connection.
         */
        public void closeLater(long millis) {
            ctx.executor().schedule(() -> ctx.close(), millis, TimeUnit.MILLISECONDS);
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
            new Streamer(ctx, length, ZEROS).run();
        }

        /**
         * Streams like {@link #stream}, but the body is the pattern of {@link #patternByte}, so the
         * receiver can check every byte.
         */
        public void streamPattern(long length, boolean chunked) {
            DefaultHttpResponse head =
                    new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            if (chunked) {
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            } else {
                head.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
            }
            head.headers().set("X-Backend", name);
            ctx.write(head);
            new Streamer(ctx, length, PATTERN).run();
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

        /** Sends a chunked head and one chunk of {@code sent} bytes, then closes the connection. */
        public void truncatedChunked(int sent) {
            DefaultHttpResponse head =
                    new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[sent])))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        /** Closes the connection without answering. */
        public void drop() {
            ctx.close();
        }

        /** Resets the connection (TCP RST, through a zero linger time) without answering. */
        public void reset() {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
        }

        /** Answers later, from the event loop's timer. */
        public void later(long millis, Runnable answer) {
            ctx.executor().schedule(answer, millis, TimeUnit.MILLISECONDS);
        }
    }

    private static final ByteBuf ZEROS =
            Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[Streamer.CHUNK]));
    private static final ByteBuf PATTERN = Unpooled.unreleasableBuffer(patternChunk());

    private static ByteBuf patternChunk() {
        byte[] bytes = new byte[Streamer.CHUNK];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = patternByte(i);
        }
        return Unpooled.wrappedBuffer(bytes);
    }

    private final class Streamer implements Runnable {
        static final int CHUNK = 16 * 1024;
        private final ChannelHandlerContext ctx;
        private long remaining;
        private final ByteBuf chunk;

        Streamer(ChannelHandlerContext ctx, long length, ByteBuf chunk) {
            this.ctx = ctx;
            this.remaining = length;
            this.chunk = chunk;
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
                streamedBytes.addAndGet(size);
                ctx.write(new DefaultHttpContent(chunk.retainedSlice(0, size)));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final int connection;
        private HttpRequest head;
        private long bodyLength;
        private final CRC32 checksum = new CRC32();

        Handler(int connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    head = request;
                    bodyLength = 0;
                    checksum.reset();
                    receivedHeads.incrementAndGet();
                }
                if (msg instanceof HttpContent content) {
                    int readable = content.content().readableBytes();
                    bodyLength += readable;
                    receivedBodyBytes.addAndGet(readable);
                    checksum.update(content.content().nioBuffer());
                    if (content instanceof LastHttpContent && head != null) {
                        bodyChecksums.add(checksum.getValue());
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
