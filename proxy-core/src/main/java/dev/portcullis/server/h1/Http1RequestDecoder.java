package dev.portcullis.server.h1;

import dev.portcullis.server.HostAuthority;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decodes HTTP/1.1 requests strictly, one at a time.
 *
 * <p>Sits first in a plain HTTP/1.1 client pipeline. It emits, for each request, one {@link
 * io.netty.handler.codec.http.HttpRequest}, then zero or more {@link
 * io.netty.handler.codec.http.HttpContent}s that are retained slices of the input (never
 * aggregated), then exactly one {@link LastHttpContent}. It then pauses, keeping any pipelined
 * bytes, until {@link #resume()} is called once the response has been written, which keeps
 * responses in request order without queueing decoded requests.
 *
 * <p>It refuses rather than repairs: bare LF or CR, obs-fold, whitespace before a colon, control
 * bytes in a value, several or malformed {@code Content-Length}, {@code Content-Length} together
 * with {@code Transfer-Encoding}, a transfer coding other than one final {@code chunked}, {@code
 * Transfer-Encoding} on HTTP/1.0, a bad chunk size, extension or terminator, and anything but
 * exactly one valid {@code Host} that agrees with an absolute-form target. A refused request
 * becomes a {@link RejectedRequest} message, after which every further byte is discarded: the next
 * handler answers and closes the connection.
 *
 * <p>When a request head begins it fires {@link #HEAD_STARTED} as a user event, so that the header
 * timeout can start counting at the first byte.
 *
 * <p>A {@link ChannelInputShutdownEvent} (the client half-closed) that arrives while paused is held
 * back: the requests already received are still decoded, one per {@link #resume()}, and the event
 * passes on once a response is no longer owed, so the next handler can close then.
 */
public final class Http1RequestDecoder extends ByteToMessageDecoder {

    /** User event fired when the first byte of a request head has arrived. */
    public static final Object HEAD_STARTED = RequestHeadStarted.INSTANCE;

    /**
     * User event fired when the client half-closed while a response is owed: the end of input
     * itself is held back until then, but the current exchange may want to know.
     */
    public static final Object INPUT_ENDED_WHILE_PAUSED = InputEndedWhilePaused.INSTANCE;

    private static final int MAX_CHUNK_LINE = 4096;
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;
    private static final HttpHeadersFactory HEADERS =
            DefaultHttpHeadersFactory.headersFactory()
                    .withNameValidation(false)
                    .withValueValidation(false);
    private static final HttpHeadersFactory TRAILERS =
            DefaultHttpHeadersFactory.trailersFactory()
                    .withNameValidation(false)
                    .withValueValidation(false);

    private enum State {
        START,
        HEAD,
        BODY_FIXED,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_TERMINATOR,
        TRAILERS,
        PAUSED,
        REJECTED,
        TUNNEL
    }

    private enum RequestHeadStarted {
        INSTANCE
    }

    private enum InputEndedWhilePaused {
        INSTANCE
    }

    private final int maxRequestLine;
    private final int maxHeaderBytes;
    private final int maxHeaders;

    private State state = State.START;
    private @Nullable ChannelHandlerContext context;
    private boolean inChannelRead;
    private boolean resumePending;
    private boolean inputShutdownHeld;

    // The request being decoded.
    private boolean requestLineDone;
    private @Nullable HttpMethod method;
    private @Nullable String uri;
    private @Nullable HttpVersion version;
    private @Nullable String absoluteAuthority;
    private int absoluteDefaultPort;
    private @Nullable HttpHeaders headers;
    private int headerBytes;
    private int headerCount;
    private int contentLengthCount;
    private long contentLength;
    private int transferEncodingCount;
    private @Nullable AsciiString transferEncoding;
    private int hostCount;
    private @Nullable AsciiString host;
    private long remaining;

    /**
     * @param maxRequestLine longest request line, CRLF not counted; longer is answered 414
     * @param maxHeaderBytes largest header block (also the trailer block), each line with its CRLF;
     *     larger is answered 431
     * @param maxHeaders most header fields; more is answered 431
     */
    public Http1RequestDecoder(int maxRequestLine, int maxHeaderBytes, int maxHeaders) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxHeaders = maxHeaders;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            // Added after the fact (behind TLS, or after protocol detection): no channelActive
            // will come, and nothing else reads.
            ctx.read();
        }
    }

    /**
     * Lets the next pipelined request through, once the previous response is complete. Decodes
     * bytes already received at once; the caller reads from the socket when no request followed.
     *
     * @return whether a new request head has started from the bytes already received
     */
    public boolean resume() {
        if (state != State.PAUSED) {
            return false;
        }
        state = State.START;
        if (inChannelRead) {
            resumePending = true;
            return false;
        }
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            return false;
        }
        if (internalBuffer().readableBytes() > 0) {
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
            // Decoding buffered bytes is a read burst of its own: the next handler flushes what it
            // forwarded when a burst ends, so it must hear of the end as for a socket read.
            ctx.fireChannelReadComplete();
        }
        if (inputShutdownHeld) {
            releaseInputShutdown(ctx);
        } else if (state == State.START || state == State.HEAD) {
            ctx.read();
        }
        return state != State.START;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent && state == State.PAUSED) {
            inputShutdownHeld = true;
            ctx.fireUserEventTriggered(INPUT_ENDED_WHILE_PAUSED);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Passes a held end of input on, unless another received request now owes a response. */
    private void releaseInputShutdown(ChannelHandlerContext ctx) {
        if (state == State.PAUSED) {
            return;
        }
        inputShutdownHeld = false;
        try {
            super.userEventTriggered(ctx, ChannelInputShutdownEvent.INSTANCE);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /** Bytes received but not decoded yet: pipelined input waiting for {@link #resume()}. */
    public int bufferedBytes() {
        return internalBuffer().readableBytes();
    }

    /**
     * Stops decoding HTTP: every byte from now on, including those already received, is passed on
     * as it is. Used once a WebSocket upgrade has been accepted.
     */
    public void switchToTunnel() {
        state = State.TUNNEL;
        ChannelHandlerContext ctx = context;
        if (!inChannelRead && ctx != null && internalBuffer().readableBytes() > 0) {
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read();
        super.channelActive(ctx);
    }

    /**
     * Reads on while a request head is incomplete; during a body, the next handler decides when to
     * read, and while paused nobody reads, so pipelined input stays bounded.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        discardSomeReadBytes();
        if (state == State.START || state == State.HEAD) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (inChannelRead) {
            super.channelRead(ctx, msg);
            return;
        }
        inChannelRead = true;
        try {
            super.channelRead(ctx, msg);
            while (resumePending) {
                resumePending = false;
                super.channelRead(ctx, Unpooled.EMPTY_BUFFER);
            }
        } finally {
            inChannelRead = false;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case START -> startRequest(ctx, in, out);
            case HEAD -> decodeHead(in, out);
            case BODY_FIXED -> decodeFixedBody(in, out);
            case CHUNK_SIZE -> decodeChunkSize(in, out);
            case CHUNK_DATA -> decodeChunkData(in, out);
            case CHUNK_TERMINATOR -> decodeChunkTerminator(in, out);
            case TRAILERS -> decodeTrailers(in, out);
            case REJECTED -> in.skipBytes(in.readableBytes());
            case TUNNEL -> out.add(in.readRetainedSlice(in.readableBytes()));
            case PAUSED -> {
                // Pipelined bytes wait in the cumulation until resume().
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // A connection that ends mid-request needs no message: the next handler sees it close.
        if (state == State.TUNNEL && in.isReadable()) {
            out.add(in.readRetainedSlice(in.readableBytes()));
        } else {
            in.skipBytes(in.readableBytes());
        }
    }

    private void startRequest(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // RFC 9112 §2.2: empty lines before a request line are ignored.
        int skipped = 0;
        while (in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b == HttpSyntax.LF) {
                reject(RequestRejection.BARE_LF, in, out);
                return;
            }
            if (b != HttpSyntax.CR) {
                break;
            }
            if (in.readableBytes() < 2) {
                return;
            }
            if (in.getByte(in.readerIndex() + 1) != HttpSyntax.LF) {
                reject(RequestRejection.BARE_CR, in, out);
                return;
            }
            in.skipBytes(2);
            skipped += 2;
            if (skipped > maxRequestLine) {
                reject(RequestRejection.REQUEST_LINE_TOO_LONG, in, out);
                return;
            }
        }
        if (!in.isReadable()) {
            return;
        }
        resetRequest();
        state = State.HEAD;
        ctx.fireUserEventTriggered(HEAD_STARTED);
        decodeHead(in, out);
    }

    private void resetRequest() {
        requestLineDone = false;
        method = null;
        uri = null;
        version = null;
        absoluteAuthority = null;
        headers = null;
        headerBytes = 0;
        headerCount = 0;
        contentLengthCount = 0;
        contentLength = 0;
        transferEncodingCount = 0;
        transferEncoding = null;
        hostCount = 0;
        host = null;
        remaining = 0;
    }

    private void decodeHead(ByteBuf in, List<Object> out) {
        if (!requestLineDone) {
            int start = in.readerIndex();
            int window = Math.min(in.readableBytes(), maxRequestLine + 2);
            int lf = in.indexOf(start, start + window, HttpSyntax.LF);
            if (lf < 0) {
                if (in.readableBytes() > maxRequestLine + 1) {
                    reject(RequestRejection.REQUEST_LINE_TOO_LONG, in, out);
                }
                return;
            }
            if (lf == start || in.getByte(lf - 1) != HttpSyntax.CR) {
                reject(RequestRejection.BARE_LF, in, out);
                return;
            }
            int end = lf - 1;
            if (end - start > maxRequestLine) {
                reject(RequestRejection.REQUEST_LINE_TOO_LONG, in, out);
                return;
            }
            RequestRejection problem = parseRequestLine(in, start, end);
            if (problem != null) {
                reject(problem, in, out);
                return;
            }
            in.readerIndex(lf + 1);
            requestLineDone = true;
            headers = HEADERS.newHeaders();
        }
        HttpHeaders fields = headers;
        assert fields != null;
        while (true) {
            int start = in.readerIndex();
            int budget = maxHeaderBytes - headerBytes;
            int window = Math.min(in.readableBytes(), budget + 2);
            int lf = in.indexOf(start, start + window, HttpSyntax.LF);
            if (lf < 0) {
                if (in.readableBytes() > budget + 1) {
                    reject(RequestRejection.HEADERS_TOO_LARGE, in, out);
                }
                return;
            }
            if (lf == start || in.getByte(lf - 1) != HttpSyntax.CR) {
                reject(RequestRejection.BARE_LF, in, out);
                return;
            }
            int end = lf - 1;
            if (end == start) {
                in.readerIndex(lf + 1);
                finishHead(in, out);
                return;
            }
            headerBytes += end - start + 2;
            if (headerBytes > maxHeaderBytes) {
                reject(RequestRejection.HEADERS_TOO_LARGE, in, out);
                return;
            }
            if (++headerCount > maxHeaders) {
                reject(RequestRejection.TOO_MANY_HEADERS, in, out);
                return;
            }
            RequestRejection problem = parseField(in, start, end, fields, false);
            if (problem != null) {
                reject(problem, in, out);
                return;
            }
            in.readerIndex(lf + 1);
        }
    }

    private @Nullable RequestRejection parseRequestLine(ByteBuf in, int start, int end) {
        int methodEnd = start;
        while (methodEnd < end && HttpSyntax.isTchar(in.getByte(methodEnd))) {
            methodEnd++;
        }
        if (methodEnd == start) {
            return RequestRejection.BAD_METHOD;
        }
        if (methodEnd == end || in.getByte(methodEnd) != HttpSyntax.SP) {
            return lineProblem(in.getByte(Math.min(methodEnd, end - 1)));
        }
        int targetStart = methodEnd + 1;
        int targetEnd = targetStart;
        while (targetEnd < end && HttpSyntax.isTargetByte(in.getByte(targetEnd))) {
            targetEnd++;
        }
        if (targetEnd == targetStart
                || targetEnd == end
                || in.getByte(targetEnd) != HttpSyntax.SP) {
            byte offending = in.getByte(Math.min(targetEnd, end - 1));
            return offending == HttpSyntax.CR
                    ? RequestRejection.BARE_CR
                    : RequestRejection.BAD_TARGET;
        }
        RequestRejection versionProblem = parseVersion(in, targetEnd + 1, end);
        if (versionProblem != null) {
            return versionProblem;
        }
        method = methodOf(in, start, methodEnd - start);
        return parseTarget(in, targetStart, targetEnd);
    }

    private static RequestRejection lineProblem(byte offending) {
        return offending == HttpSyntax.CR
                ? RequestRejection.BARE_CR
                : RequestRejection.BAD_REQUEST_LINE;
    }

    private @Nullable RequestRejection parseVersion(ByteBuf in, int start, int end) {
        if (end - start != 8
                || in.getByte(start) != 'H'
                || in.getByte(start + 1) != 'T'
                || in.getByte(start + 2) != 'T'
                || in.getByte(start + 3) != 'P'
                || in.getByte(start + 4) != '/'
                || in.getByte(start + 6) != '.') {
            for (int i = start; i < end; i++) {
                if (in.getByte(i) == HttpSyntax.CR) {
                    return RequestRejection.BARE_CR;
                }
            }
            return RequestRejection.BAD_REQUEST_LINE;
        }
        byte major = in.getByte(start + 5);
        byte minor = in.getByte(start + 7);
        if (major < '0' || major > '9' || minor < '0' || minor > '9') {
            return RequestRejection.BAD_REQUEST_LINE;
        }
        if (major == '1' && minor == '1') {
            version = HttpVersion.HTTP_1_1;
        } else if (major == '1' && minor == '0') {
            version = HttpVersion.HTTP_1_0;
        } else {
            return RequestRejection.UNSUPPORTED_VERSION;
        }
        return null;
    }

    private @Nullable RequestRejection parseTarget(ByteBuf in, int start, int end) {
        for (int i = start; i < end; i++) {
            byte b = in.getByte(i);
            if (b == '#') {
                return RequestRejection.BAD_TARGET;
            }
            if (b == '%'
                    && (i + 2 >= end
                            || HttpSyntax.hexValue(in.getByte(i + 1)) < 0
                            || HttpSyntax.hexValue(in.getByte(i + 2)) < 0)) {
                return RequestRejection.BAD_TARGET;
            }
        }
        byte first = in.getByte(start);
        if (method == HttpMethod.CONNECT) {
            return RequestRejection.CONNECT_NOT_ALLOWED;
        }
        if (first == '/') {
            uri = in.toString(start, end - start, StandardCharsets.US_ASCII);
            return null;
        }
        if (first == '*' && end - start == 1) {
            if (method != HttpMethod.OPTIONS) {
                return RequestRejection.BAD_TARGET;
            }
            uri = "*";
            return null;
        }
        return parseAbsoluteTarget(in, start, end);
    }

    private @Nullable RequestRejection parseAbsoluteTarget(ByteBuf in, int start, int end) {
        String target = in.toString(start, end - start, StandardCharsets.US_ASCII);
        int schemeEnd = target.indexOf("://");
        if (schemeEnd < 0) {
            return RequestRejection.BAD_TARGET;
        }
        String scheme = target.substring(0, schemeEnd);
        if (scheme.equalsIgnoreCase("http")) {
            absoluteDefaultPort = 80;
        } else if (scheme.equalsIgnoreCase("https")) {
            absoluteDefaultPort = 443;
        } else {
            return RequestRejection.BAD_TARGET;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length()
                && target.charAt(authorityEnd) != '/'
                && target.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = target.substring(authorityStart, authorityEnd);
        if (!HostAuthority.isValid(authority)) {
            return RequestRejection.BAD_TARGET;
        }
        absoluteAuthority = authority;
        String rest = target.substring(authorityEnd);
        uri = rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
        return null;
    }

    private static HttpMethod methodOf(ByteBuf in, int start, int length) {
        switch (length) {
            case 3:
                if (equalsAscii(in, start, "GET")) {
                    return HttpMethod.GET;
                }
                if (equalsAscii(in, start, "PUT")) {
                    return HttpMethod.PUT;
                }
                break;
            case 4:
                if (equalsAscii(in, start, "POST")) {
                    return HttpMethod.POST;
                }
                if (equalsAscii(in, start, "HEAD")) {
                    return HttpMethod.HEAD;
                }
                break;
            case 5:
                if (equalsAscii(in, start, "PATCH")) {
                    return HttpMethod.PATCH;
                }
                if (equalsAscii(in, start, "TRACE")) {
                    return HttpMethod.TRACE;
                }
                break;
            case 6:
                if (equalsAscii(in, start, "DELETE")) {
                    return HttpMethod.DELETE;
                }
                break;
            case 7:
                if (equalsAscii(in, start, "OPTIONS")) {
                    return HttpMethod.OPTIONS;
                }
                if (equalsAscii(in, start, "CONNECT")) {
                    return HttpMethod.CONNECT;
                }
                break;
            default:
                break;
        }
        return HttpMethod.valueOf(in.toString(start, length, StandardCharsets.US_ASCII));
    }

    private static boolean equalsAscii(ByteBuf in, int start, String expected) {
        for (int i = 0; i < expected.length(); i++) {
            if (in.getByte(start + i) != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Parses one {@code name: value} line into {@code fields}; trailers skip the framing rules. */
    private @Nullable RequestRejection parseField(
            ByteBuf in, int start, int end, HttpHeaders fields, boolean trailer) {
        byte first = in.getByte(start);
        if (HttpSyntax.isOws(first)) {
            return RequestRejection.OBS_FOLD;
        }
        int nameEnd = start;
        while (nameEnd < end && HttpSyntax.isTchar(in.getByte(nameEnd))) {
            nameEnd++;
        }
        if (nameEnd == end) {
            return RequestRejection.BAD_HEADER_NAME;
        }
        byte stop = in.getByte(nameEnd);
        if (stop != HttpSyntax.COLON) {
            if (HttpSyntax.isOws(stop)) {
                return RequestRejection.SPACE_BEFORE_COLON;
            }
            return stop == HttpSyntax.CR
                    ? RequestRejection.BARE_CR
                    : RequestRejection.BAD_HEADER_NAME;
        }
        if (nameEnd == start) {
            return RequestRejection.BAD_HEADER_NAME;
        }
        int valueStart = nameEnd + 1;
        while (valueStart < end && HttpSyntax.isOws(in.getByte(valueStart))) {
            valueStart++;
        }
        int valueEnd = end;
        while (valueEnd > valueStart && HttpSyntax.isOws(in.getByte(valueEnd - 1))) {
            valueEnd--;
        }
        for (int i = valueStart; i < valueEnd; i++) {
            byte b = in.getByte(i);
            if (!HttpSyntax.isFieldValueByte(b)) {
                return b == HttpSyntax.CR
                        ? RequestRejection.BARE_CR
                        : RequestRejection.BAD_HEADER_VALUE;
            }
        }
        AsciiString name = KnownHeaderNames.find(in, start, nameEnd - start);
        if (name == null) {
            name = copyOf(in, start, nameEnd - start);
        }
        AsciiString value =
                valueEnd == valueStart
                        ? AsciiString.EMPTY_STRING
                        : copyOf(in, valueStart, valueEnd - valueStart);
        if (trailer) {
            if (!isForbiddenTrailer(name)) {
                fields.add(name, value);
            }
            return null;
        }
        RequestRejection problem = noteFramingField(name, value);
        if (problem != null) {
            return problem;
        }
        fields.add(name, value);
        return null;
    }

    private @Nullable RequestRejection noteFramingField(AsciiString name, AsciiString value) {
        // Known names are shared instances, so identity tells the framing fields apart cheaply.
        if (name == HttpHeaderNames.CONTENT_LENGTH) {
            contentLengthCount++;
            long parsed = parseContentLength(value);
            if (parsed < 0) {
                return RequestRejection.BAD_CONTENT_LENGTH;
            }
            contentLength = parsed;
        } else if (name == HttpHeaderNames.TRANSFER_ENCODING) {
            transferEncodingCount++;
            transferEncoding = value;
        } else if (name == HttpHeaderNames.HOST) {
            hostCount++;
            host = value;
        }
        return null;
    }

    private static long parseContentLength(AsciiString value) {
        int length = value.length();
        if (length == 0 || length > MAX_CONTENT_LENGTH_DIGITS) {
            return -1;
        }
        long result = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            result = result * 10 + (c - '0');
        }
        return result;
    }

    private static boolean isForbiddenTrailer(AsciiString name) {
        return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRAILER.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.KEEP_ALIVE.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TE.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.AUTHORIZATION.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONTENT_TYPE.contentEqualsIgnoreCase(name);
    }

    private static AsciiString copyOf(ByteBuf in, int start, int length) {
        byte[] bytes = new byte[length];
        in.getBytes(start, bytes);
        return new AsciiString(bytes, false);
    }

    private void finishHead(ByteBuf in, List<Object> out) {
        RequestRejection problem = checkFraming();
        if (problem != null) {
            reject(problem, in, out);
            return;
        }
        HttpMethod requestMethod = method;
        String requestUri = uri;
        HttpVersion requestVersion = version;
        HttpHeaders fields = headers;
        assert requestMethod != null && requestUri != null && requestVersion != null;
        assert fields != null;
        AsciiString hostValue = host;
        assert hostValue != null;
        out.add(new DecodedRequest(requestVersion, requestMethod, requestUri, fields, hostValue));
        headers = null;
        if (transferEncodingCount == 1) {
            state = State.CHUNK_SIZE;
        } else if (contentLength > 0) {
            remaining = contentLength;
            state = State.BODY_FIXED;
        } else {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            state = State.PAUSED;
        }
    }

    private @Nullable RequestRejection checkFraming() {
        if (transferEncodingCount > 0) {
            if (version == HttpVersion.HTTP_1_0) {
                return RequestRejection.TRANSFER_ENCODING_IN_HTTP_1_0;
            }
            if (transferEncodingCount > 1) {
                return RequestRejection.SEVERAL_TRANSFER_ENCODINGS;
            }
            if (contentLengthCount > 0) {
                return RequestRejection.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
            }
            AsciiString codings = transferEncoding;
            assert codings != null;
            RequestRejection codingProblem = TransferCodings.check(codings);
            if (codingProblem != null) {
                return codingProblem;
            }
        }
        if (contentLengthCount > 1) {
            return RequestRejection.SEVERAL_CONTENT_LENGTHS;
        }
        return checkHost();
    }

    private @Nullable RequestRejection checkHost() {
        if (hostCount == 0) {
            return RequestRejection.MISSING_HOST;
        }
        if (hostCount > 1) {
            return RequestRejection.SEVERAL_HOSTS;
        }
        AsciiString hostValue = host;
        assert hostValue != null;
        if (!HostAuthority.isValid(hostValue)) {
            return RequestRejection.BAD_HOST;
        }
        String authority = absoluteAuthority;
        if (authority != null
                && !HostAuthority.sameOrigin(authority, hostValue, absoluteDefaultPort)) {
            return RequestRejection.HOST_MISMATCH;
        }
        return null;
    }

    private void decodeFixedBody(ByteBuf in, List<Object> out) {
        int toRead = (int) Math.min(in.readableBytes(), remaining);
        if (toRead == 0) {
            return;
        }
        ByteBuf slice = in.readRetainedSlice(toRead);
        remaining -= toRead;
        if (remaining == 0) {
            out.add(new DefaultLastHttpContent(slice, TRAILERS));
            state = State.PAUSED;
        } else {
            out.add(new DefaultHttpContent(slice));
        }
    }

    private void decodeChunkSize(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int window = Math.min(in.readableBytes(), MAX_CHUNK_LINE + 2);
        int lf = in.indexOf(start, start + window, HttpSyntax.LF);
        if (lf < 0) {
            if (in.readableBytes() > MAX_CHUNK_LINE + 1) {
                reject(RequestRejection.BAD_CHUNK_EXTENSION, in, out);
            }
            return;
        }
        if (lf == start || in.getByte(lf - 1) != HttpSyntax.CR) {
            reject(RequestRejection.BARE_LF, in, out);
            return;
        }
        int end = lf - 1;
        long size = 0;
        int i = start;
        while (i < end && HttpSyntax.hexValue(in.getByte(i)) >= 0) {
            if (i - start == 15) {
                reject(RequestRejection.BAD_CHUNK_SIZE, in, out);
                return;
            }
            size = (size << 4) | HttpSyntax.hexValue(in.getByte(i));
            i++;
        }
        if (i == start) {
            reject(RequestRejection.BAD_CHUNK_SIZE, in, out);
            return;
        }
        if (i < end && !ChunkExtensions.isValid(in, i, end)) {
            byte offending = in.getByte(i);
            reject(
                    offending == HttpSyntax.CR
                            ? RequestRejection.BARE_CR
                            : offending == ';' || HttpSyntax.isOws(offending)
                                    ? RequestRejection.BAD_CHUNK_EXTENSION
                                    : RequestRejection.BAD_CHUNK_SIZE,
                    in,
                    out);
            return;
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            headerBytes = 0;
            headerCount = 0;
            state = State.TRAILERS;
            decodeTrailers(in, out);
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
            decodeChunkData(in, out);
        }
    }

    private void decodeChunkData(ByteBuf in, List<Object> out) {
        int toRead = (int) Math.min(in.readableBytes(), remaining);
        if (toRead == 0) {
            return;
        }
        out.add(new DefaultHttpContent(in.readRetainedSlice(toRead)));
        remaining -= toRead;
        if (remaining == 0) {
            state = State.CHUNK_TERMINATOR;
        }
    }

    private void decodeChunkTerminator(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 1) {
            return;
        }
        int start = in.readerIndex();
        byte first = in.getByte(start);
        if (first == HttpSyntax.LF) {
            reject(RequestRejection.BARE_LF, in, out);
            return;
        }
        if (first != HttpSyntax.CR) {
            reject(RequestRejection.BAD_CHUNK_TERMINATOR, in, out);
            return;
        }
        if (in.readableBytes() < 2) {
            return;
        }
        if (in.getByte(start + 1) != HttpSyntax.LF) {
            reject(RequestRejection.BARE_CR, in, out);
            return;
        }
        in.skipBytes(2);
        state = State.CHUNK_SIZE;
    }

    private void decodeTrailers(ByteBuf in, List<Object> out) {
        while (true) {
            int start = in.readerIndex();
            int budget = maxHeaderBytes - headerBytes;
            int window = Math.min(in.readableBytes(), budget + 2);
            int lf = in.indexOf(start, start + window, HttpSyntax.LF);
            if (lf < 0) {
                if (in.readableBytes() > budget + 1) {
                    reject(RequestRejection.TRAILERS_TOO_LARGE, in, out);
                }
                return;
            }
            if (lf == start || in.getByte(lf - 1) != HttpSyntax.CR) {
                reject(RequestRejection.BARE_LF, in, out);
                return;
            }
            int end = lf - 1;
            if (end == start) {
                in.readerIndex(lf + 1);
                HttpHeaders trailers = headers;
                out.add(
                        trailers == null
                                ? LastHttpContent.EMPTY_LAST_CONTENT
                                : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
                headers = null;
                state = State.PAUSED;
                return;
            }
            headerBytes += end - start + 2;
            if (headerBytes > maxHeaderBytes || ++headerCount > maxHeaders) {
                reject(RequestRejection.TRAILERS_TOO_LARGE, in, out);
                return;
            }
            HttpHeaders trailers = headers;
            if (trailers == null) {
                trailers = TRAILERS.newHeaders();
                headers = trailers;
            }
            RequestRejection problem = parseField(in, start, end, trailers, true);
            if (problem != null) {
                reject(problem, in, out);
                return;
            }
            in.readerIndex(lf + 1);
        }
    }

    private void reject(RequestRejection rejection, ByteBuf in, List<Object> out) {
        state = State.REJECTED;
        headers = null;
        in.skipBytes(in.readableBytes());
        out.add(new RejectedRequest(rejection));
    }
}
