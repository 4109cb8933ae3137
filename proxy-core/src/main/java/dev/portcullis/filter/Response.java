package dev.portcullis.filter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * A small response the proxy sends itself: a status, a few headers and a short body. The body is an
 * unreleasable read-only buffer, so one instance can be sent any number of times; the headers are
 * copied for each use.
 */
public final class Response {

    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpResponseStatus status;
    private final HttpHeaders headers;
    private final ByteBuf body;

    private Response(HttpResponseStatus status, HttpHeaders headers, ByteBuf body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** A response with a plain-text body. */
    public static Response text(HttpResponseStatus status, String body) {
        return of(status, "text/plain; charset=utf-8", body);
    }

    /**
     * A response with the given content type and body.
     *
     * @throws IllegalArgumentException when the body is larger than 64 KiB
     */
    public static Response of(HttpResponseStatus status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException(
                    "a filter response body must be at most 64 KiB (got " + bytes.length + ")");
        }
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        ByteBuf content = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
        return new Response(status, headers, content);
    }

    /** A copy of this response with one more header. */
    public Response withHeader(CharSequence name, Object value) {
        HttpHeaders copy = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        copy.set(headers);
        copy.add(name, value);
        return new Response(status, copy, body);
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** The headers; callers copy them and never change them in place. */
    public HttpHeaders headers() {
        return headers;
    }

    /** A fresh view of the body, safe to write and to release. */
    public ByteBuf body() {
        return body.duplicate();
    }

    public int bodyLength() {
        return body.readableBytes();
    }
}
