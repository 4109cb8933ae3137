package dev.portcullis.server;

import dev.portcullis.filter.Exchange;
import dev.portcullis.filter.Response;
import dev.portcullis.filter.SecurityEventLog;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.RateLimitedLog;
import dev.portcullis.net.ForwardingHeaderNames;
import dev.portcullis.route.Route;
import dev.portcullis.server.h1.RequestRejection;
import dev.portcullis.server.tls.ClientCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the one exchange of an HTTP/2 stream. Sits last in the stream channel's pipeline, after
 * {@code Http2StreamFrameToHttpObjectCodec} and {@link Http2RequestRules}, and consumes every
 * message: the request goes through the same filters and backends as HTTP/1.1 requests (which stay
 * HTTP/1.1 towards the backend).
 *
 * <p>The stream channel does not read by itself: reading it is what sends WINDOW_UPDATE, so the
 * client's DATA flows only as fast as the backend takes it. Closing the stream channel resets the
 * stream, which is how an incomplete response is cut off.
 */
final class Http2StreamConnection extends ChannelInboundHandlerAdapter implements ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger(Http2StreamConnection.class);
    private static final RateLimitedLog UNEXPECTED =
            new RateLimitedLog(LOG, java.time.Duration.ofSeconds(10));

    private final ListenerContext listener;
    private final InetAddress peer;
    private @Nullable ChannelHandlerContext context;
    private @Nullable ProxyExchange current;
    private boolean started;
    private @Nullable String peerText;
    private @Nullable ServingState trustedFor;
    private boolean trusted;

    Http2StreamConnection(ListenerContext listener, InetAddress peer) {
        this.listener = listener;
        this.peer = peer;
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
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && !started) {
            started = true;
            if (msg instanceof FullHttpRequest full) {
                // A request that ended with its HEADERS frame: the head travels on alone and
                // the end of the body follows as its own message, as for HTTP/1.1.
                HttpRequest head =
                        new DefaultHttpRequest(
                                HttpVersion.HTTP_1_1, full.method(), full.uri(), full.headers());
                full.release();
                startExchange(head);
                ProxyExchange exchange = current;
                if (exchange != null) {
                    exchange.onRequestContent(LastHttpContent.EMPTY_LAST_CONTENT);
                }
            } else {
                startExchange(request);
            }
            return;
        }
        if (msg instanceof RejectedStreamRequest rejected) {
            reject(rejected.rejection());
            return;
        }
        ProxyExchange exchange = current;
        if (msg instanceof HttpContent content && exchange != null) {
            exchange.onRequestContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ProxyExchange exchange = current;
        if (exchange != null) {
            exchange.onClientReadComplete();
        } else if (!started) {
            ctx.read();
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
        ProxyExchange exchange = current;
        current = null;
        if (exchange != null) {
            exchange.clientClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // The client broke the protocol on this stream (a malformed header block, DATA that
            // contradicts content-length): passed on, the stream channel resets the stream with
            // the error the codec found, where closing it here would say CANCEL.
            LOG.debug("stream {} refused: {}", ctx.channel(), cause.toString());
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (cause instanceof IOException) {
            LOG.debug("stream {} failed: {}", ctx.channel(), cause.toString());
        } else {
            UNEXPECTED.warn(
                    "Unexpected error on an HTTP/2 stream, resetting it: {}", cause.toString());
            LOG.debug("stream {} failed", ctx.channel(), cause);
        }
        ctx.close();
    }

    private void startExchange(HttpRequest request) {
        long now = System.nanoTime();
        ServingState state = listener.state();
        HttpHeaders headers = request.headers();
        Http2RequestRules.removeExtensionHeaders(headers);
        String hostHeader = headers.get(HttpHeaderNames.HOST);
        String host = hostHeader == null ? "" : NormalizedHosts.of(hostHeader);
        String uri = request.uri();
        int query = uri.indexOf('?');
        int pathLength = query < 0 ? uri.length() : query;
        InetAddress client =
                peerTrusted(state) ? state.clientAddresses().resolve(peer, headers) : peer;
        String incomingId = headers.get(ForwardingHeaderNames.X_REQUEST_ID);
        String requestId =
                incomingId != null && RequestIds.isAcceptable(incomingId)
                        ? incomingId
                        : RequestIds.next();
        Route route = state.routes().match(host, uri, pathLength);
        RouteTarget target = route == null ? null : state.target(route);
        Exchange exchange =
                new Exchange(
                        request,
                        host,
                        uri,
                        pathLength,
                        client,
                        peer,
                        true,
                        listener.name(),
                        route == null ? "-" : route.name(),
                        requestId,
                        now);
        ProxyExchange proxied = new ProxyExchange(this, state, request, exchange, target);
        current = proxied;
        proxied.start();
    }

    private void reject(RequestRejection rejection) {
        listener.blocked(rejection.kind()).increment();
        SecurityEventLog.frontEndRejection(
                peerText(),
                rejection.kind() == RequestRejection.Kind.SMUGGLING
                        ? MeterNames.REASON_SMUGGLING
                        : MeterNames.REASON_MALFORMED,
                rejection.name().toLowerCase(java.util.Locale.ROOT),
                rejection.status().code(),
                listener.name());
        Response page = ErrorResponses.forStatus(rejection.status());
        ProxyExchange exchange = current;
        if (exchange != null) {
            // The body broke the rules midway: the exchange answers if it still can, or resets.
            exchange.onRequestBroken(page);
            return;
        }
        DefaultFullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, page.status(), page.body());
        response.headers().set(page.headers());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, page.bodyLength());
        ctx().writeAndFlush(response).addListener(ignored -> ctx().close());
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
        Channel connection = ctx().channel().parent();
        return connection == null ? null : ClientCertificates.subject(connection);
    }

    @Override
    public String protocolName(HttpRequest request) {
        return "HTTP/2.0";
    }

    @Override
    public boolean isWritable() {
        return ctx().channel().isWritable();
    }

    @Override
    public void writeContinue() {
        ctx().writeAndFlush(
                        new DefaultFullHttpResponse(
                                HttpVersion.HTTP_1_1,
                                HttpResponseStatus.CONTINUE,
                                Unpooled.EMPTY_BUFFER));
    }

    @Override
    public void writeResponseHead(HttpRequest request, HttpResponse response, boolean close) {
        // HTTP/2 frames the body itself; the codec drops every connection-specific field.
        response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
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
        ctx().read();
    }

    @Override
    public void exchangeFinished(ProxyExchange exchange, boolean keepAlive) {
        if (current == exchange) {
            current = null;
        }
        if (!keepAlive) {
            // The client may still be sending a body nobody reads: reset the stream once the
            // response is out.
            ChannelHandlerContext ctx = ctx();
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ignored -> ctx.close());
        }
    }

    @Override
    public void abort() {
        ctx().close();
    }

    @Override
    public boolean keepAliveRequested(HttpRequest request) {
        return true;
    }

    @Override
    public void stopResponseEncoding() {
        // WebSocket over HTTP/2 (RFC 8441) is not offered; the exchange never asks.
        throw new IllegalStateException("no tunnels on HTTP/2 streams");
    }

    @Override
    public void startTunnel() {
        throw new IllegalStateException("no tunnels on HTTP/2 streams");
    }

    @Override
    public void writeTunnel(ByteBuf data) {
        data.release();
    }

    @Override
    public void watchForClose() {
        // A stream that the client resets closes its channel, which the exchange hears of.
    }

    @Override
    public void readTunnel() {
        // No tunnels on HTTP/2 streams.
    }
}
