package dev.portcullis.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * Builds the responses of one demo backend: each names the backend, follows the request's version
 * and keep-alive choice, and, for HEAD, keeps the {@code Content-Length} but not the body.
 */
final class DemoResponses {

    /** Names the backend on every response, so that a client can see where the proxy sent it. */
    static final AsciiString BACKEND_HEADER = AsciiString.cached("x-demo-backend");

    static final AsciiString JSON = AsciiString.cached("application/json");
    static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");

    private final String backend;

    DemoResponses(String backend) {
        this.backend = backend;
    }

    String backend() {
        return backend;
    }

    /**
     * A complete response that takes ownership of {@code body}; for HEAD the body is measured for
     * {@code Content-Length} and released.
     *
     * @param contentType {@code null} for a response without a body
     */
    FullHttpResponse full(
            HttpRequest request,
            HttpResponseStatus status,
            @Nullable AsciiString contentType,
            ByteBuf body) {
        int length = body.readableBytes();
        ByteBuf content = body;
        if (HttpMethod.HEAD.equals(request.method())) {
            body.release();
            content = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse response =
                new DefaultFullHttpResponse(request.protocolVersion(), status, content);
        stamp(response, request);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return response;
    }

    /** A JSON {@code {"error": message}} response. */
    FullHttpResponse error(
            ByteBufAllocator alloc,
            HttpRequest request,
            HttpResponseStatus status,
            String message) {
        return full(request, status, JSON, DemoJson.error(alloc, message));
    }

    /**
     * The head of a body of {@code length} bytes that follows separately; for HEAD, the whole
     * response.
     */
    HttpResponse bytesHead(HttpRequest request, long length) {
        HttpResponse response =
                HttpMethod.HEAD.equals(request.method())
                        ? full(request, HttpResponseStatus.OK, null, Unpooled.EMPTY_BUFFER)
                        : new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
        stamp(response, request);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        HttpUtil.setContentLength(response, length);
        return response;
    }

    /** The 400 for a request that did not decode; the connection must close after it. */
    FullHttpResponse malformed(ByteBufAllocator alloc) {
        ByteBuf body = DemoJson.error(alloc, "malformed request");
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, body);
        HttpHeaders headers = response.headers();
        headers.set(BACKEND_HEADER, backend);
        headers.set(HttpHeaderNames.CONTENT_TYPE, JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        HttpUtil.setKeepAlive(response, false);
        return response;
    }

    private void stamp(HttpResponse response, HttpRequest request) {
        response.headers().set(BACKEND_HEADER, backend);
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
    }
}
