package dev.portcullis.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.ReadOnlyHttp2Headers;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/2 client built from Netty's frame codec and stream multiplexer, for tests that need
 * frames an HTTP library would never send: header blocks in any order and with any bytes (header
 * validation is off on this side), DATA that disagrees with {@code content-length}, streams reset
 * right after they open. It speaks h2 over TLS (ALPN) or h2c with prior knowledge, and records what
 * the server does to each stream (response, reset) and to the connection (GOAWAY, close).
 */
public final class H2Client implements AutoCloseable {

    /** Streams the server opens are not expected; their frames are dropped. */
    private static final ChannelInboundHandlerAdapter IGNORED =
            new ChannelInboundHandlerAdapter() {
                @Override
                public boolean isSharable() {
                    return true;
                }
            };

    /** How long a test waits for any one answer of the server. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    /**
     * What became of one stream.
     *
     * @param status the {@code :status} of the response, or 0 when none came
     * @param body the DATA received
     * @param resetCode the error code of the server's RST_STREAM, or -1 when it sent none
     * @param ended whether the response ended normally (END_STREAM)
     */
    public record Outcome(int status, byte[] body, long resetCode, boolean ended) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final CompletableFuture<Long> goAway = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<Void>> pings = new ConcurrentHashMap<>();
    private final AtomicLong pingIds = new AtomicLong();

    private H2Client(InetSocketAddress address, @Nullable SslContext tls, String serverName)
            throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        H2Client self = this;
        try {
            channel =
                    new Bootstrap()
                            .group(group)
                            .channel(NioSocketChannel.class)
                            .handler(
                                    new ChannelInitializer<SocketChannel>() {
                                        @Override
                                        protected void initChannel(SocketChannel ch) {
                                            if (tls != null) {
                                                ch.pipeline()
                                                        .addLast(
                                                                tls.newHandler(
                                                                        ch.alloc(),
                                                                        serverName,
                                                                        address.getPort()));
                                            }
                                            ch.pipeline()
                                                    .addLast(
                                                            Http2FrameCodecBuilder.forClient()
                                                                    .validateHeaders(false)
                                                                    .build())
                                                    .addLast(self.new ConnectionFrames())
                                                    .addLast(new Http2MultiplexHandler(IGNORED));
                                        }
                                    })
                            .connect(address)
                            .syncUninterruptibly()
                            .channel();
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (ssl != null) {
                ssl.handshakeFuture().syncUninterruptibly();
                String protocol = ssl.applicationProtocol();
                if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    throw new IOException("the server chose " + protocol + " instead of h2");
                }
            }
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Connects in clear text and sends the HTTP/2 preface at once (prior knowledge). */
    public static H2Client cleartext(InetSocketAddress address) throws IOException {
        return new H2Client(address, null, "localhost");
    }

    /**
     * Connects over TLS, offering only {@code h2} by ALPN, with SNI {@code serverName}, trusting
     * only {@code ca}; fails unless the server agrees to h2.
     */
    public static H2Client tls(InetSocketAddress address, String serverName, X509Certificate ca)
            throws IOException {
        SslContext context;
        try {
            context =
                    SslContextBuilder.forClient()
                            .trustManager(ca)
                            .applicationProtocolConfig(
                                    new ApplicationProtocolConfig(
                                            ApplicationProtocolConfig.Protocol.ALPN,
                                            ApplicationProtocolConfig.SelectorFailureBehavior
                                                    .NO_ADVERTISE,
                                            ApplicationProtocolConfig
                                                    .SelectedListenerFailureBehavior.ACCEPT,
                                            ApplicationProtocolNames.HTTP_2))
                            .build();
        } catch (SSLException e) {
            throw new IOException(e);
        }
        return new H2Client(address, context, serverName);
    }

    /** The headers of a well-formed request: {@code :method}, {@code :scheme}, ... in order. */
    public static Http2Headers request(
            String method, String scheme, String authority, String path) {
        return new DefaultHttp2Headers(false)
                .method(method)
                .scheme(scheme)
                .authority(authority)
                .path(path);
    }

    /**
     * A header block exactly as given, in this order, names and values unchecked: pairs of name and
     * value, pseudo-header fields included.
     */
    public static Http2Headers rawHeaders(String... namesAndValues) {
        AsciiString[] fields = new AsciiString[namesAndValues.length];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = new AsciiString(namesAndValues[i].getBytes(StandardCharsets.ISO_8859_1));
        }
        // Built as a trailer block, which has no pseudo-header slots: every field keeps its place.
        return ReadOnlyHttp2Headers.trailers(false, fields);
    }

    /** Opens a stream and sends its HEADERS frame. */
    public Stream open(Http2Headers headers, boolean endStream) {
        Http2StreamChannel child;
        Stream stream = new Stream();
        try {
            child =
                    new Http2StreamChannelBootstrap(channel)
                            .handler(stream.frames)
                            .open()
                            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot open a stream", e);
        }
        stream.channel = child;
        child.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream));
        return stream;
    }

    /** Sends a request without a body and waits for what the server does with it. */
    public Outcome exchange(Http2Headers headers) {
        return open(headers, true).await();
    }

    /**
     * Sends a PING and waits for its acknowledgement: once it is back, the server has read every
     * frame sent before it.
     *
     * @return false when no acknowledgement came (the connection closed, or the server is stuck)
     */
    public boolean ping() {
        long id = pingIds.incrementAndGet();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        pings.put(id, acked);
        channel.writeAndFlush(new DefaultHttp2PingFrame(id));
        try {
            acked.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } finally {
            pings.remove(id);
        }
    }

    /** Completes with the error code of the server's GOAWAY. */
    public CompletableFuture<Long> goAway() {
        return goAway;
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Waits up to {@link #TIMEOUT} for the server to close the connection. */
    public boolean awaitClosed() {
        return channel.closeFuture().awaitUninterruptibly(TIMEOUT.toMillis());
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(TIMEOUT.toMillis());
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** One stream of the connection. */
    public final class Stream {
        private final StreamFrames frames = new StreamFrames();
        private @Nullable Http2StreamChannel channel;

        private Stream() {}

        private Http2StreamChannel channel() {
            Http2StreamChannel opened = channel;
            if (opened == null) {
                throw new IllegalStateException("the stream is not open");
            }
            return opened;
        }

        /** Sends a DATA frame. */
        public Stream data(byte[] bytes, boolean endStream) {
            channel()
                    .writeAndFlush(
                            new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), endStream));
            return this;
        }

        /** Sends RST_STREAM with CANCEL, as a client does that no longer wants the response. */
        public void reset() {
            channel().writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        }

        /** Waits up to {@link #TIMEOUT} for the response to end, the stream to reset or close. */
        public Outcome await() {
            try {
                return frames.outcome.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(
                        "the stream neither ended nor was reset within " + TIMEOUT, e);
            }
        }
    }

    /** Collects the frames of one stream into its outcome. */
    private static final class StreamFrames extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers) {
                    CharSequence value = headers.headers().status();
                    if (value != null && status < 200) {
                        status = Integer.parseInt(value.toString());
                    }
                    if (headers.isEndStream()) {
                        finish(-1, true);
                    }
                } else if (msg instanceof Http2DataFrame data) {
                    ByteBuf content = data.content();
                    body.writeBytes(ByteBufUtil.getBytes(content));
                    if (data.isEndStream()) {
                        finish(-1, true);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof Http2ResetFrame reset) {
                finish(reset.errorCode(), false);
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(-1, false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void finish(long resetCode, boolean ended) {
            outcome.complete(new Outcome(status, body.toByteArray(), resetCode, ended));
        }
    }

    /** Notes the connection's GOAWAY and PING acknowledgements. */
    private final class ConnectionFrames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame frame) {
                goAway.complete(frame.errorCode());
            } else if (msg instanceof Http2PingFrame ping && ping.ack()) {
                CompletableFuture<Void> acked = pings.get(ping.content());
                if (acked != null) {
                    acked.complete(null);
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pings.values().forEach(acked -> acked.completeExceptionally(new IOException("closed")));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
