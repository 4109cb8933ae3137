package dev.portcullis.server;

import dev.portcullis.filter.Exchange;
import dev.portcullis.filter.Response;
import dev.portcullis.filter.SecurityEventLog;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.RateLimitedLog;
import dev.portcullis.net.ForwardingHeaderNames;
import dev.portcullis.route.Route;
import dev.portcullis.server.h1.DecodedRequest;
import dev.portcullis.server.h1.Http1RequestDecoder;
import dev.portcullis.server.h1.Http1ResponseEncoder;
import dev.portcullis.server.h1.RejectedRequest;
import dev.portcullis.server.h1.RequestRejection;
import dev.portcullis.server.timeout.Deadline;
import dev.portcullis.server.tls.ClientCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one HTTP/1.1 client connection: one exchange at a time, keep-alive between them, and the
 * connection's own timers.
 *
 * <p>Sits last in the pipeline, after {@link Http1RequestDecoder} and {@link Http1ResponseEncoder}.
 * It consumes every message it receives: request heads start an exchange, body parts go to it, a
 * {@link RejectedRequest} is answered with its status and the connection closed. Pipelined requests
 * wait in the decoder until the current response is complete, so responses leave in request order.
 *
 * <p>Timers: {@code header_timeout} runs from the first byte of a request head (or from accept) to
 * its end, and a client that is too slow gets 408 (slowloris); {@code idle_timeout} closes a
 * keep-alive connection that sends nothing between requests. The connection is its own timer (it
 * extends {@link Deadline} rather than holding one): an idle connection is mostly this object, and
 * one object less per connection is 40 bytes less heap per idle connection.
 */
final class Http1Connection extends Deadline implements ChannelInboundHandler, ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Connection.class);
    private static final RateLimitedLog UNEXPECTED =
            new RateLimitedLog(LOG, Duration.ofSeconds(10));

    private enum Timer {
        NONE,
        HEADER,
        IDLE
    }

    private final ListenerContext listener;
    private final Http1RequestDecoder decoder;
    private final Http1ResponseEncoder encoder;
    private @Nullable ChannelHandlerContext context;
    private @Nullable ProxyExchange current;
    private boolean keepAliveWanted;
    // The exchange forwards the request as HTTP/1.1, so the client's own version is kept here.
    private HttpVersion clientVersion = HttpVersion.HTTP_1_1;
    private boolean headStarted;
    private boolean closing;
    private Timer timerKind = Timer.NONE;
    private InetAddress peer = InetAddress.getLoopbackAddress();
    private @Nullable String clientSubject;
    private @Nullable String peerText;
    private @Nullable ServingState trustedFor;
    private boolean trusted;

    Http1Connection(
            ListenerContext listener, Http1RequestDecoder decoder, Http1ResponseEncoder encoder) {
        this.listener = listener;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    private ChannelHandlerContext ctx() {
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            throw new IllegalStateException("not in a pipeline");
        }
        return ctx;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        if (ctx.channel().isActive()) {
            connected(ctx);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {}

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
        ctx.fireChannelUnregistered();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connected(ctx);
        ctx.fireChannelActive();
    }

    private void connected(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            peer = remote.getAddress();
        }
        if (listener.secure()) {
            clientSubject = ClientCertificates.subject(ctx.channel());
        }
        if (listener.draining()) {
            // Accepted just as the proxy began to shut down: one answer, then close.
            closing = true;
        }
        armTimer(Timer.HEADER);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Http1RequestDecoder.HEAD_STARTED) {
            headStarted = true;
            armTimer(Timer.HEADER);
            return;
        }
        if (event == ConnectionDrain.EVENT) {
            closing = true;
            if (current == null) {
                armTimer(Timer.NONE);
                ctx.close();
            }
            return;
        }
        if (event == Http1RequestDecoder.INPUT_ENDED_WHILE_PAUSED) {
            ProxyExchange exchange = current;
            if (exchange != null) {
                exchange.onClientInputEnded();
            }
            return;
        }
        if (event instanceof ChannelInputShutdownEvent) {
            // The client half-closed. The decoder holds this back while a response is owed, so
            // what is left is to flush and close; a request cut short ends with the connection.
            closing = true;
            armTimer(Timer.NONE);
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            headStarted = false;
            armTimer(Timer.NONE);
            startExchange(request);
        } else if (msg instanceof HttpContent content) {
            ProxyExchange exchange = current;
            if (exchange == null) {
                content.release();
            } else {
                exchange.onRequestContent(content);
            }
        } else if (msg instanceof RejectedRequest rejected) {
            reject(rejected.rejection());
        } else if (msg instanceof ByteBuf data) {
            ProxyExchange exchange = current;
            if (exchange != null && exchange.isTunnel()) {
                exchange.onClientTunnelData(data);
            } else {
                data.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ProxyExchange exchange = current;
        if (exchange != null) {
            if (exchange.isTunnel()) {
                exchange.onClientTunnelReadComplete();
            } else {
                exchange.onClientReadComplete();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyExchange exchange = current;
        if (exchange != null) {
            exchange.onClientWritabilityChanged(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        armTimer(Timer.NONE);
        ProxyExchange exchange = current;
        current = null;
        if (exchange != null) {
            exchange.clientClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // Resets and broken pipes are everyday events on a public port.
            LOG.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
        } else {
            UNEXPECTED.warn(
                    "Unexpected error on a client connection, closing it: {}", cause.toString());
            LOG.debug("unexpected error on {}", ctx.channel(), cause);
        }
        ctx.close();
    }

    // ---------------------------------------------------------------- exchanges

    private void startExchange(HttpRequest request) {
        long now = System.nanoTime();
        ServingState state = listener.state();
        HttpHeaders headers = request.headers();
        String host = normalizedHost(request);
        String uri = request.uri();
        int query = uri.indexOf('?');
        int pathLength = query < 0 ? uri.length() : query;
        keepAliveWanted = HttpUtil.isKeepAlive(request);
        clientVersion = request.protocolVersion();
        InetAddress client =
                peerTrusted(state) ? state.clientAddresses().resolve(peer, headers) : peer;
        String incomingId = headers.get(ForwardingHeaderNames.X_REQUEST_ID);
        String requestId =
                incomingId != null && RequestIds.isAcceptable(incomingId)
                        ? incomingId
                        : RequestIds.next();
        int redirectPort = listener.redirectPort();
        Route route = redirectPort > 0 ? null : state.routes().match(host, uri, pathLength);
        RouteTarget target = route == null ? null : state.target(route);
        Exchange exchange =
                new Exchange(
                        request,
                        host,
                        uri,
                        pathLength,
                        client,
                        peer,
                        listener.secure(),
                        listener.name(),
                        route == null ? "-" : route.name(),
                        requestId,
                        now);
        ProxyExchange proxied = new ProxyExchange(this, state, request, exchange, target);
        current = proxied;
        if (redirectPort > 0) {
            proxied.startWithAnswer(HttpsRedirect.to(host, redirectPort, uri), "redirect");
        } else {
            proxied.start();
        }
    }

    /** The request's host as routes see it. */
    private static String normalizedHost(HttpRequest request) {
        CharSequence raw =
                request instanceof DecodedRequest decoded
                        ? decoded.host()
                        : request.headers().get(HttpHeaderNames.HOST, "");
        return NormalizedHosts.of(raw);
    }

    private void reject(RequestRejection rejection) {
        RequestRejection.Kind kind = rejection.kind();
        listener.blocked(kind).increment();
        SecurityEventLog.frontEndRejection(
                peer.getHostAddress(),
                reasonOf(kind),
                rejection.name().toLowerCase(java.util.Locale.ROOT),
                rejection.status().code(),
                listener.name());
        ProxyExchange exchange = current;
        Response page = ErrorResponses.forStatus(rejection.status());
        if (exchange != null) {
            exchange.onRequestBroken(page);
        } else {
            writeStandalone(page);
        }
    }

    private static String reasonOf(RequestRejection.Kind kind) {
        return switch (kind) {
            case SMUGGLING -> MeterNames.REASON_SMUGGLING;
            case LIMIT -> MeterNames.REASON_LIMIT;
            case MALFORMED -> MeterNames.REASON_MALFORMED;
        };
    }

    /** Answers outside any exchange (a refused request head, a timeout) and closes. */
    private void writeStandalone(Response page) {
        ChannelHandlerContext ctx = ctx();
        closing = true;
        armTimer(Timer.NONE);
        DefaultFullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, page.status(), page.body());
        response.headers().set(page.headers());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, page.bodyLength());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        encoder.answeringHead(false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    // ---------------------------------------------------------------- timers

    private void armTimer(Timer kind) {
        timerKind = kind;
        if (kind == Timer.NONE) {
            disarm();
            return;
        }
        Duration delay =
                kind == Timer.HEADER
                        ? listener.state().limits().headerTimeout()
                        : listener.state().limits().idleTimeout();
        arm(ctx().executor(), delay.toNanos());
    }

    /** The header or idle timer ran out. */
    @Override
    protected void expired() {
        onTimer();
    }

    private void onTimer() {
        Timer kind = timerKind;
        timerKind = Timer.NONE;
        if (current != null || closing) {
            return;
        }
        if (kind == Timer.HEADER && headStarted) {
            listener.blocked(RequestRejection.Kind.LIMIT).increment();
            SecurityEventLog.frontEndRejection(
                    peer.getHostAddress(),
                    MeterNames.REASON_LIMIT,
                    "header_timeout",
                    408,
                    listener.name());
            writeStandalone(ErrorResponses.REQUEST_TIMEOUT);
        } else {
            ctx().close();
        }
    }

    // ---------------------------------------------------------------- ClientConnection

    @Override
    public EventLoop eventLoop() {
        return ctx().channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx().alloc();
    }

    @Override
    public InetAddress peerAddress() {
        return peer;
    }

    @Override
    public String peerText() {
        String text = peerText;
        if (text == null) {
            text = peer.getHostAddress();
            peerText = text;
        }
        return text;
    }

    @Override
    public boolean peerTrusted(ServingState state) {
        if (trustedFor != state) {
            trustedFor = state;
            trusted = !state.trustedProxies().isEmpty() && state.trustedProxies().contains(peer);
        }
        return trusted;
    }

    @Override
    public boolean secure() {
        return listener.secure();
    }

    @Override
    public String listenerName() {
        return listener.name();
    }

    @Override
    public @Nullable String clientCertificateSubject() {
        return clientSubject;
    }

    @Override
    public String protocolName(HttpRequest request) {
        return request.protocolVersion().text();
    }

    @Override
    public boolean isWritable() {
        return ctx().channel().isWritable();
    }

    @Override
    public void writeContinue() {
        encoder.answeringHead(false);
        ctx().writeAndFlush(
                        new DefaultFullHttpResponse(
                                HttpVersion.HTTP_1_1,
                                HttpResponseStatus.CONTINUE,
                                Unpooled.EMPTY_BUFFER),
                        ctx().voidPromise());
    }

    @Override
    public void writeResponseHead(HttpRequest request, HttpResponse response, boolean close) {
        boolean head = request.method() == HttpMethod.HEAD;
        boolean http10 = clientVersion == HttpVersion.HTTP_1_0 && !keepAliveWanted;
        HttpHeaders headers = response.headers();
        boolean informational = response.status().code() < 200;
        if (!informational) {
            boolean chunked = HttpUtil.isTransferEncodingChunked(response);
            boolean hasLength = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
            boolean clientChunks = clientVersion == HttpVersion.HTTP_1_1;
            if (chunked && !clientChunks) {
                headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
                close = true;
            } else if (!chunked
                    && !hasLength
                    && Http1ResponseEncoder.mayHaveBody(false, response.status())) {
                if (clientChunks) {
                    headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                } else {
                    // An HTTP/1.0 client learns where the body ends by the close.
                    close = true;
                }
            }
            if (close || http10 || closing) {
                closing = true;
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (clientVersion == HttpVersion.HTTP_1_0) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        encoder.answeringHead(head);
        ctx().write(response, ctx().voidPromise());
    }

    @Override
    public void writeResponseContent(HttpContent content) {
        ctx().write(content, ctx().voidPromise());
    }

    @Override
    public void flush() {
        ctx().flush();
    }

    @Override
    public void readRequestBody() {
        readUnlessInputShutdown();
    }

    @Override
    public void exchangeFinished(ProxyExchange exchange, boolean keepAlive) {
        if (current == exchange) {
            current = null;
        }
        ChannelHandlerContext ctx = ctx();
        if (closing || !keepAlive || !ctx.channel().isActive()) {
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        armTimer(Timer.IDLE);
        decoder.resume();
    }

    @Override
    public void abort() {
        closing = true;
        ChannelHandlerContext ctx = ctx();
        ctx.flush();
        ctx.close();
    }

    @Override
    public boolean keepAliveRequested(HttpRequest request) {
        return keepAliveWanted;
    }

    @Override
    public void stopResponseEncoding() {
        armTimer(Timer.NONE);
        ctx().pipeline().remove(encoder);
    }

    @Override
    public void startTunnel() {
        decoder.switchToTunnel();
    }

    @Override
    public void writeTunnel(ByteBuf data) {
        ctx().write(data, ctx().voidPromise());
    }

    @Override
    public void watchForClose() {
        // Pipelined bytes already waiting mean the client is still there; reading on would
        // only pile more of them up.
        if (decoder.bufferedBytes() == 0) {
            readUnlessInputShutdown();
        }
    }

    @Override
    public void readTunnel() {
        readUnlessInputShutdown();
    }

    private void readUnlessInputShutdown() {
        ChannelHandlerContext ctx = ctx();
        // After a half-close nothing more can arrive, and epoll fails a read request then.
        if (!(ctx.channel() instanceof DuplexChannel duplex) || !duplex.isInputShutdown()) {
            ctx.read();
        }
    }
}
