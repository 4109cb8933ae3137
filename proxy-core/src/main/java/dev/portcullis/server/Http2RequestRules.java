package dev.portcullis.server;

import dev.portcullis.server.h1.RequestRejection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The checks an HTTP/2 request passes before it becomes an exchange, on top of what Netty's frame
 * codec enforces (lower-case names, pseudo-headers first, connection-specific fields, TE): a valid
 * authority, a valid path, field values without control characters or surrounding whitespace (RFC
 * 9113 §8.2.1), and a {@code content-length} that the DATA frames match. A request that fails is
 * replaced by a {@link RejectedStreamRequest}; everything after it on the stream is dropped.
 *
 * <p>Sits in each stream channel after {@code Http2StreamFrameToHttpObjectCodec}.
 */
final class Http2RequestRules extends ChannelInboundHandlerAdapter {

    private static final String EXTENSION_PREFIX = "x-http2-";

    private long declaredLength = -1;
    private long received;
    private boolean rejected;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            RequestRejection problem = check(request);
            if (problem != null) {
                reject(ctx, msg, problem);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            received += content.content().readableBytes();
            boolean tooLong = declaredLength >= 0 && received > declaredLength;
            boolean tooShort =
                    content instanceof LastHttpContent
                            && declaredLength >= 0
                            && received != declaredLength;
            if (tooLong || tooShort) {
                reject(ctx, msg, RequestRejection.BAD_CONTENT_LENGTH);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void reject(ChannelHandlerContext ctx, Object msg, RequestRejection problem) {
        rejected = true;
        ReferenceCountUtil.release(msg);
        ctx.fireChannelRead(new RejectedStreamRequest(problem));
    }

    private @Nullable RequestRejection check(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (request.method() == HttpMethod.CONNECT) {
            return RequestRejection.CONNECT_NOT_ALLOWED;
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.isEmpty()) {
            return RequestRejection.MISSING_HOST;
        }
        if (hosts.size() > 1) {
            return RequestRejection.SEVERAL_HOSTS;
        }
        if (!HostAuthority.isValid(hosts.get(0))) {
            return RequestRejection.BAD_HOST;
        }
        if (!isValidPath(request.uri(), request.method())) {
            return RequestRejection.BAD_TARGET;
        }
        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (lengths.size() > 1) {
            return RequestRejection.SEVERAL_CONTENT_LENGTHS;
        }
        if (lengths.size() == 1) {
            declaredLength = parseLength(lengths.get(0));
            if (declaredLength < 0) {
                return RequestRejection.BAD_CONTENT_LENGTH;
            }
        }
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
                it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> field = it.next();
            if (!isValidValue(field.getValue())) {
                return RequestRejection.BAD_HEADER_VALUE;
            }
        }
        return null;
    }

    /** Removes the {@code x-http2-*} fields Netty's conversion adds (and any a client sent). */
    static void removeExtensionHeaders(HttpHeaders headers) {
        List<CharSequence> extensions = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
                it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (name.length() > EXTENSION_PREFIX.length()
                    && io.netty.util.AsciiString.regionMatches(
                            name, true, 0, EXTENSION_PREFIX, 0, EXTENSION_PREFIX.length())) {
                if (extensions == null) {
                    extensions = new java.util.ArrayList<>(2);
                }
                extensions.add(name);
            }
        }
        if (extensions != null) {
            extensions.forEach(headers::remove);
        }
    }

    private static boolean isValidPath(String path, HttpMethod method) {
        if (path.isEmpty()) {
            return false;
        }
        if (path.equals("*")) {
            return method == HttpMethod.OPTIONS;
        }
        if (path.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\'
                    || c == '#') {
                return false;
            }
            if (c == '%'
                    && (i + 2 >= path.length()
                            || Character.digit(path.charAt(i + 1), 16) < 0
                            || Character.digit(path.charAt(i + 2), 16) < 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidValue(CharSequence value) {
        int length = value.length();
        if (length > 0 && (isOws(value.charAt(0)) || isOws(value.charAt(length - 1)))) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static long parseLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            result = result * 10 + (c - '0');
        }
        return result;
    }
}
