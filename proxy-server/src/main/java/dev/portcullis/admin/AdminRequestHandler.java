package dev.portcullis.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers admin requests from a table of paths. It sits last in the admin pipeline, after the
 * aggregator, and consumes every request (released by its superclass). It answers 404 for an
 * unknown path, 405 with {@code Allow} for a method the path does not take, and 400, 414 or 431 for
 * a request that did not decode, after which the connection is closed. It also closes connections
 * that stayed idle for the time the pipeline's {@code IdleStateHandler} measures.
 */
@Sharable
final class AdminRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRequestHandler.class);

    private static final AdminReply NOT_FOUND =
            AdminReply.text(HttpResponseStatus.NOT_FOUND, "not found");
    private static final AdminReply METHOD_NOT_ALLOWED =
            AdminReply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
    private static final AdminReply INTERNAL_ERROR =
            AdminReply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");

    private final Map<String, AdminEndpoint> endpoints;

    AdminRequestHandler(Map<String, AdminEndpoint> endpoints) {
        this.endpoints = Map.copyOf(endpoints);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            // The decoder discards what follows, so the refusal is the connection's last answer.
            FullHttpResponse refusal =
                    response(ctx.alloc(), request, malformed(decoded.cause()), false);
            ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            return;
        }

        String path = new QueryStringDecoder(request.uri()).rawPath();
        AdminEndpoint endpoint = endpoints.get(path);
        FullHttpResponse response;
        if (endpoint == null) {
            response = response(ctx.alloc(), request, NOT_FOUND, true);
        } else if (!endpoint.allows(request.method())) {
            response = response(ctx.alloc(), request, METHOD_NOT_ALLOWED, true);
            response.headers().set(HttpHeaderNames.ALLOW, endpoint.allowHeader());
        } else {
            response = response(ctx.alloc(), request, invoke(endpoint, request, path), true);
        }
        // HttpServerKeepAliveHandler closes the connection after a response that does not keep it.
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are routine for a scraped port; nothing here needs an operator.
        LOG.debug("admin connection {} failed", ctx.channel(), cause);
        ctx.close();
    }

    private static AdminReply invoke(AdminEndpoint endpoint, FullHttpRequest request, String path) {
        try {
            return endpoint.handler().apply(request);
        } catch (RuntimeException e) {
            LOG.warn("admin endpoint {} failed; answering 500", path, e);
            return INTERNAL_ERROR;
        }
    }

    private static AdminReply malformed(@Nullable Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return AdminReply.text(
                    HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return AdminReply.text(
                    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "request headers too large");
        }
        return AdminReply.text(HttpResponseStatus.BAD_REQUEST, "bad request");
    }

    /**
     * Builds the response to {@code request}. A HEAD request gets the headers the GET would have,
     * {@code Content-Length} included, and no body.
     *
     * @param decoded whether the request decoded, so that its version, method and keep-alive choice
     *     can be trusted
     */
    private static FullHttpResponse response(
            ByteBufAllocator alloc, FullHttpRequest request, AdminReply reply, boolean decoded) {
        HttpVersion version = decoded ? request.protocolVersion() : HttpVersion.HTTP_1_1;
        boolean head = decoded && HttpMethod.HEAD.equals(request.method());
        int length = ByteBufUtil.utf8Bytes(reply.body());
        ByteBuf body = head ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(alloc, reply.body());
        FullHttpResponse response = new DefaultFullHttpResponse(version, reply.status(), body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setKeepAlive(response, decoded && HttpUtil.isKeepAlive(request));
        return response;
    }
}
