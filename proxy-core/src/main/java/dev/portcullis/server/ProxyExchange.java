package dev.portcullis.server;

import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.filter.Exchange;
import dev.portcullis.filter.FilterChain;
import dev.portcullis.filter.Response;
import dev.portcullis.metrics.RateLimitedLog;
import dev.portcullis.net.ForwardingHeaderNames;
import dev.portcullis.route.Route;
import dev.portcullis.server.timeout.Deadline;
import dev.portcullis.server.tls.ClientCertificates;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.BackendOverloadedException;
import dev.portcullis.upstream.BackendPool;
import dev.portcullis.upstream.ForwardingHeaders;
import dev.portcullis.upstream.InvalidResponseException;
import dev.portcullis.upstream.UpstreamConnection;
import dev.portcullis.upstream.UpstreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * One request on its way through the proxy, from its head to the end of its response: the filter
 * chain, the choice of a backend, the attempts (and retries) to get a response, and the streaming
 * of both bodies with backpressure. Confined to the client connection's event loop, which is also
 * the backend connection's.
 *
 * <p>Reading is explicit on both sides. The request body is read only when the backend connection
 * can take it (or while a filter collects a bounded prefix); the response body is read only while
 * the client connection is writable. A stalled side therefore stalls the other, down to the TCP
 * windows, and memory per exchange stays bounded.
 *
 * <p>Retries follow RFC 9110 §9.2.2: an attempt is repeated, on another backend if there is one,
 * only when the request provably did not reach a backend (the connection could not be opened, or
 * the write of the head failed) or when the method is idempotent, no response byte arrived and no
 * body byte had been forwarded. Nothing is retried once the client has seen a byte.
 */
final class ProxyExchange extends Deadline
        implements FilterChain.Listener,
                UpstreamListener,
                BackendPool.AcquireCallback,
                AccessLog.Entry {

    private static final RateLimitedLog CONNECT_FAILURES =
            new RateLimitedLog(
                    LoggerFactory.getLogger(ProxyExchange.class), Duration.ofSeconds(10));

    /** Body bytes taken in while a verdict is pending, only to notice a client leaving. */
    private static final int MAX_HELD_WHILE_WAITING = 64 * 1024;

    /** Logged as the status of a request whose client left before the response (as nginx). */
    private static final int CLIENT_CLOSED = 499;

    private enum Phase {
        FILTERING,
        CONNECTING,
        FORWARDING,
        RESPONDING,
        TUNNEL,
        DONE
    }

    private enum Limit {
        NONE,
        RESPONSE_HEADER,
        IDLE
    }

    private final ClientConnection client;
    private final ServingState state;
    private final HttpRequest request;
    private final Exchange exchange;
    private final @Nullable RouteTarget routeTarget;
    private final boolean head;
    private final boolean idempotent;
    private final boolean webSocket;
    private final boolean expectsContinue;
    private final long declaredLength;
    // The head announces no body: what is left of the request is its end, nothing to drop.
    private final boolean bodiless;
    private final String clientProtocol;

    private Phase phase = Phase.FILTERING;
    private boolean continueSent;
    private boolean verdictPending;

    // Request body.
    private long requestBytes;
    private boolean requestComplete;
    private @Nullable ArrayDeque<HttpContent> held;
    private long heldBytes;
    private boolean emptyEndHeld;
    private int collectLimit;
    private @Nullable ByteBuf prefix;

    // Upstream attempts.
    private @Nullable Backend backend;
    private @Nullable Backend lastBackend;
    private @Nullable UpstreamConnection upstream;
    private int attempts;
    private boolean bodyForwarded;
    private boolean requestWritten;
    private boolean writingHead;
    private boolean headersPrepared;
    private long upstreamStartNanos;

    // Response.
    private boolean responseStarted;
    private boolean interimContentPending;
    private boolean closeAfter;
    private long responseBytes;
    private int status;
    private String outcome = "ok";

    // Timers.
    private Limit deadline = Limit.NONE;
    private long lastActivityNanos;

    ProxyExchange(
            ClientConnection client,
            ServingState state,
            HttpRequest request,
            Exchange exchange,
            @Nullable RouteTarget target) {
        this.client = client;
        this.state = state;
        this.request = request;
        this.exchange = exchange;
        this.routeTarget = target;
        HttpMethod method = request.method();
        this.head = method == HttpMethod.HEAD;
        this.idempotent = isIdempotent(method);
        HttpHeaders headers = request.headers();
        this.webSocket = isWebSocketUpgrade(request);
        this.expectsContinue =
                headers.containsValue(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true);
        this.declaredLength =
                HttpUtil.isTransferEncodingChunked(request)
                        ? -1
                        : HttpUtil.getContentLength(request, 0L);
        this.bodiless = declaredLength == 0;
        this.lastActivityNanos = System.nanoTime();
        this.clientProtocol = client.protocolName(request);
    }

    private static boolean isIdempotent(HttpMethod method) {
        return method == HttpMethod.GET
                || method == HttpMethod.HEAD
                || method == HttpMethod.OPTIONS
                || method == HttpMethod.PUT
                || method == HttpMethod.DELETE
                || method == HttpMethod.TRACE;
    }

    /** A WebSocket upgrade (RFC 6455 §4.1) without a body; any other upgrade is not honoured. */
    private static boolean isWebSocketUpgrade(HttpRequest request) {
        HttpHeaders headers = request.headers();
        return request.method() == HttpMethod.GET
                && request.protocolVersion() == HttpVersion.HTTP_1_1
                && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                && HttpUtil.getContentLength(request, 0L) == 0;
    }

    Exchange exchange() {
        return exchange;
    }

    /** The route; only asked for once the request is known to have one. */
    private RouteTarget target() {
        RouteTarget target = routeTarget;
        if (target == null) {
            throw new IllegalStateException("exchange without a route");
        }
        return target;
    }

    private UpstreamConfig upstreamConfig() {
        return target().route.upstream().config();
    }

    /** Answers the request with the proxy's own response instead of proxying it. */
    void startWithAnswer(Response answer, String why) {
        respondLocally(answer, why);
    }

    /** Starts the exchange; called with the request head. */
    void start() {
        if (routeTarget == null) {
            respondLocally(ErrorResponses.NOT_FOUND, "no_route");
            return;
        }
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !expectsContinue) {
            respondLocally(ErrorResponses.EXPECTATION_FAILED, "expectation_failed");
            return;
        }
        if (declaredLength > state.limits().maxBodyBytes().bytes()) {
            state.limitBlocked().increment();
            respondLocally(ErrorResponses.PAYLOAD_TOO_LARGE, "body_too_large");
            return;
        }
        if (request.headers().contains(HttpHeaderNames.UPGRADE) && !webSocket) {
            // h2c and other upgrades would take the connection past every policy of the proxy.
            request.headers().remove(HttpHeaderNames.UPGRADE);
        }
        state.filters().runRequest(exchange, this);
    }

    // ---------------------------------------------------------------- filter chain listener

    @Override
    public void proceed(Exchange ignored) {
        verdictPending = false;
        if (phase == Phase.DONE) {
            return;
        }
        if (!headersPrepared) {
            headersPrepared = true;
            boolean trusted = client.peerTrusted(state);
            if (!ForwardingHeaders.prepareRequest(
                    request.headers(),
                    client.peerText(),
                    trusted,
                    client.secure(),
                    webSocket,
                    exchange.requestId())) {
                respondLocally(ErrorResponses.BAD_REQUEST, "bad_connection_header");
                return;
            }
            // Only the proxy speaks for the client's certificate.
            HttpHeaders headers = request.headers();
            headers.remove(ClientCertificates.SUBJECT_HEADER);
            String subject = client.clientCertificateSubject();
            if (subject != null) {
                headers.set(ClientCertificates.SUBJECT_HEADER, subject);
            }
            request.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
        attempt(null);
    }

    @Override
    public void respond(Exchange ignored, Response response) {
        verdictPending = false;
        respondLocally(response, "blocked");
    }

    @Override
    public void collectBody(Exchange ignored, int maxBytes) {
        verdictPending = false;
        collectLimit = maxBytes;
        if (prefix == null) {
            prefix = client.alloc().buffer(Math.min(maxBytes, 8192), maxBytes);
        }
        if (requestComplete || prefix.readableBytes() >= maxBytes) {
            finishCollecting();
            return;
        }
        sendContinueIfExpected();
        client.readRequestBody();
    }

    @Override
    public EventExecutor executor() {
        return client.eventLoop();
    }

    @Override
    public void awaitingVerdict(Exchange ignored) {
        verdictPending = true;
        client.watchForClose();
    }

    /**
     * The client half-closed while its response is owed. While a later verdict is pending that
     * counts as leaving: the verdict's work is dropped and the request goes nowhere. Otherwise the
     * exchange goes on and the connection closes after the response.
     */
    void onClientInputEnded() {
        if (phase == Phase.FILTERING && verdictPending) {
            clientClosed();
            client.abort();
        }
    }

    private void finishCollecting() {
        collectLimit = 0;
        ByteBuf collected = prefix;
        assert collected != null;
        state.filters().resumeWithBody(exchange, collected, requestComplete, this);
    }

    // ---------------------------------------------------------------- request body from client

    /** A part of the request body arrived from the client; ownership passes here. */
    void onRequestContent(HttpContent content) {
        requestBytes += content.content().readableBytes();
        lastActivityNanos = System.nanoTime();
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (requestBytes > state.limits().maxBodyBytes().bytes()) {
            content.release();
            state.limitBlocked().increment();
            bodyTooLarge();
            return;
        }
        switch (phase) {
            case FILTERING, CONNECTING -> hold(content);
            case FORWARDING, RESPONDING -> forward(content);
            case TUNNEL, DONE -> content.release();
        }
    }

    private void hold(HttpContent content) {
        if (content == LastHttpContent.EMPTY_LAST_CONTENT) {
            // The end of a request without a body: remembered, not queued.
            emptyEndHeld = true;
            if (collectLimit > 0 && prefix != null) {
                finishCollecting();
            }
            return;
        }
        ByteBuf collecting = prefix;
        if (collectLimit > 0 && collecting != null) {
            ByteBuf data = content.content();
            int room = collectLimit - collecting.readableBytes();
            collecting.writeBytes(data, data.readerIndex(), Math.min(room, data.readableBytes()));
        }
        ArrayDeque<HttpContent> queue = held;
        if (queue == null) {
            queue = new ArrayDeque<>(4);
            held = queue;
        }
        queue.add(content);
        heldBytes += content.content().readableBytes();
        if (collectLimit > 0
                && collecting != null
                && (requestComplete || collecting.readableBytes() >= collectLimit)) {
            finishCollecting();
        }
    }

    private void forward(HttpContent content) {
        UpstreamConnection connection = upstream;
        if (connection == null || responseStarted) {
            // The backend already answered (or is gone): what is left of the body is dropped,
            // and the client connection closes after the response.
            content.release();
            closeAfter = true;
            return;
        }
        if (content.content().isReadable()) {
            bodyForwarded = true;
        }
        boolean last = content instanceof LastHttpContent;
        connection.write(content);
        if (last) {
            requestWritten = true;
            armDeadline(Limit.RESPONSE_HEADER);
        }
    }

    /** The client connection delivered what it had; decide whether to ask for more. */
    void onClientReadComplete() {
        if (phase == Phase.FILTERING && verdictPending && heldBytes < MAX_HELD_WHILE_WAITING) {
            client.watchForClose();
            return;
        }
        UpstreamConnection connection = upstream;
        if (phase == Phase.FORWARDING && connection != null) {
            connection.flush();
        }
        if (requestComplete || phase == Phase.DONE || phase == Phase.TUNNEL) {
            return;
        }
        if (collectLimit > 0) {
            client.readRequestBody();
        } else if (phase == Phase.FORWARDING && connection != null && connection.isWritable()) {
            client.readRequestBody();
        }
    }

    /** The client connection's writability changed. */
    void onClientWritabilityChanged(boolean writable) {
        UpstreamConnection connection = upstream;
        if (writable
                && connection != null
                && (phase == Phase.RESPONDING || phase == Phase.TUNNEL)) {
            connection.read();
        }
    }

    private void bodyTooLarge() {
        if (responseStarted) {
            abort("body_too_large");
            return;
        }
        discardUpstream();
        respondLocally(ErrorResponses.PAYLOAD_TOO_LARGE, "body_too_large");
    }

    private void sendContinueIfExpected() {
        if (expectsContinue && !continueSent && !requestComplete) {
            continueSent = true;
            client.writeContinue();
        }
    }

    // ---------------------------------------------------------------- attempts

    private void attempt(@Nullable Backend avoid) {
        Route route = target().route;
        Backend chosen = route.balancer().pick(avoid);
        if (chosen == null) {
            respondLocally(ErrorResponses.SERVICE_UNAVAILABLE, "no_backend");
            return;
        }
        BackendPool pool = chosen.pool(client.eventLoop());
        if (pool == null) {
            respondLocally(ErrorResponses.SERVICE_UNAVAILABLE, "no_backend");
            return;
        }
        phase = Phase.CONNECTING;
        backend = chosen;
        lastBackend = chosen;
        if (attempts == 0) {
            route.upstream().retryBudget().recordRequest();
        }
        attempts++;
        writingHead = false;
        chosen.requestStarted();
        if (webSocket) {
            pool.acquireFresh(this, this);
        } else {
            pool.acquire(this, this);
        }
    }

    @Override
    public void acquired(UpstreamConnection connection, boolean fresh) {
        if (phase != Phase.CONNECTING) {
            // The client went away, or the exchange ended, while the connection was opening.
            connection.close();
            return;
        }
        upstream = connection;
        phase = Phase.FORWARDING;
        upstreamStartNanos = System.nanoTime();
        lastActivityNanos = upstreamStartNanos;
        // A head that cannot be written fails inside the flush below, while this flag is set:
        // that is how the request is known not to have reached the backend.
        writingHead = true;
        connection.writeHead(request);
        ArrayDeque<HttpContent> queue = held;
        held = null;
        if (queue != null) {
            HttpContent content;
            while ((content = queue.poll()) != null) {
                forward(content);
            }
        }
        if (emptyEndHeld) {
            emptyEndHeld = false;
            forward(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        connection.flush();
        writingHead = false;
        if (upstream != connection) {
            // The connection broke during the flush; onClosed has dealt with it.
            return;
        }
        connection.read();
        if (requestWritten) {
            armDeadline(Limit.RESPONSE_HEADER);
        } else {
            armDeadline(Limit.IDLE);
            sendContinueIfExpected();
            client.readRequestBody();
        }
    }

    @Override
    public void failed(Throwable cause) {
        Backend failedBackend = backend;
        endAttempt();
        if (phase == Phase.DONE) {
            return;
        }
        boolean overloaded = cause instanceof BackendOverloadedException;
        boolean timeout = cause instanceof ConnectTimeoutException;
        if (overloaded) {
            target().overloaded.increment();
        } else {
            (timeout ? target().timeoutFailures : target().connectFailures).increment();
            if (failedBackend != null) {
                failedBackend.observer().onLocalFailure();
            }
            CONNECT_FAILURES.warn(
                    "Cannot connect to backend {} of upstream {}: {}; check that it runs and"
                            + " listens",
                    failedBackend == null ? "?" : failedBackend.id(),
                    target().route.upstream().name(),
                    cause.toString());
        }
        // The connection was never opened, so the request reached nobody: safe for any method.
        if (mayRetry(0) && !bodyForwarded) {
            retry();
            return;
        }
        if (overloaded) {
            respondLocally(ErrorResponses.SERVICE_UNAVAILABLE, "circuit_open");
            return;
        }
        respondLocally(
                timeout ? ErrorResponses.GATEWAY_TIMEOUT : ErrorResponses.BAD_GATEWAY,
                timeout ? "connect_timeout" : "connect_failed");
    }

    /** Whether another attempt is within {@code retries} (plus {@code extra}) and the budget. */
    private boolean mayRetry(int extra) {
        return attempts <= upstreamConfig().retries() + extra
                && target().route.upstream().retryBudget().tryAcquireRetry();
    }

    private void retry() {
        target().retries.increment();
        Backend previous = lastBackend;
        if (requestWritten) {
            // Only the end of a body-less request went out; it goes out again.
            requestWritten = false;
            emptyEndHeld = true;
        }
        phase = Phase.CONNECTING;
        attempt(previous);
    }

    /** Ends the current attempt's accounting; safe to call more than once. */
    private void endAttempt() {
        Backend current = backend;
        if (current != null) {
            current.requestFinished();
            backend = null;
        }
    }

    // ---------------------------------------------------------------- upstream listener

    @Override
    public void onResponseHead(HttpResponse response) {
        lastActivityNanos = System.nanoTime();
        HttpResponseStatus responseStatus = response.status();
        if (responseStatus.codeClass() == HttpStatusClass.INFORMATIONAL) {
            interimContentPending = true;
            if (responseStatus.code() == 101 && webSocket && acceptsWebSocket(response)) {
                startTunnel(response);
            }
            // Other interim responses (100, 103) are not relayed: the proxy answered Expect
            // itself, and early hints are optional.
            return;
        }
        target().upstreamDuration
                .record(lastActivityNanos - upstreamStartNanos, TimeUnit.NANOSECONDS);
        status = responseStatus.code();
        exchange.responseStatus(status);
        Backend answering = backend;
        if (answering != null) {
            answering.observer().onResponse(status);
        }
        ForwardingHeaders.prepareResponse(response.headers(), false);
        if (!requestComplete || webSocket) {
            // An early answer leaves the rest of the request body unread; a refused upgrade
            // must not leave a connection a client could reuse for anything (RFC 6455 §4.1).
            closeAfter = true;
        }
        state.filters().runResponse(exchange, response);
        responseStarted = true;
        phase = Phase.RESPONDING;
        armDeadline(Limit.IDLE);
        client.writeResponseHead(
                request, response, closeAfter || !client.keepAliveRequested(request));
    }

    private static boolean acceptsWebSocket(HttpResponse response) {
        return response.headers()
                .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    @Override
    public void onResponseContent(HttpContent content) {
        if (interimContentPending) {
            interimContentPending = false;
            content.release();
            return;
        }
        if (!responseStarted || phase == Phase.DONE) {
            content.release();
            return;
        }
        lastActivityNanos = System.nanoTime();
        responseBytes += content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        client.writeResponseContent(content);
        if (last) {
            client.flush();
            finish(true);
        }
    }

    @Override
    public void onReadComplete() {
        if (phase == Phase.DONE) {
            return;
        }
        client.flush();
        UpstreamConnection connection = upstream;
        if (connection != null && (!responseStarted || client.isWritable())) {
            connection.read();
        }
    }

    @Override
    public void onWritabilityChanged(boolean writable) {
        if (writable && phase == Phase.FORWARDING && !requestComplete) {
            client.readRequestBody();
        } else if (writable && phase == Phase.TUNNEL) {
            client.readTunnel();
        }
    }

    @Override
    public void onTunnelData(ByteBuf data) {
        if (phase != Phase.TUNNEL) {
            data.release();
            return;
        }
        lastActivityNanos = System.nanoTime();
        responseBytes += data.readableBytes();
        client.writeTunnel(data);
    }

    @Override
    public void onClosed(@Nullable Throwable cause) {
        upstream = null;
        endAttempt();
        if (phase == Phase.DONE) {
            return;
        }
        if (phase == Phase.TUNNEL) {
            outcome = "tunnel_closed";
            finish(false);
            client.abort();
            return;
        }
        if (responseStarted) {
            // A truncated body must never look complete to the client.
            target().resetFailures.increment();
            abort("backend_closed_mid_response");
            return;
        }
        boolean invalid = cause instanceof InvalidResponseException;
        (invalid ? target().invalidResponses : target().resetFailures).increment();
        Backend failedBackend = lastBackend;
        if (failedBackend != null) {
            failedBackend.observer().onLocalFailure();
        }
        boolean unsent = writingHead && !bodyForwarded;
        boolean safeToRepeat = (idempotent && !bodyForwarded) || unsent;
        if (safeToRepeat && !invalid && mayRetry(unsent ? 1 : 0)) {
            retry();
            return;
        }
        respondLocally(ErrorResponses.BAD_GATEWAY, invalid ? "invalid_response" : "backend_closed");
    }

    // ---------------------------------------------------------------- tunnel

    private void startTunnel(HttpResponse response) {
        UpstreamConnection connection = upstream;
        assert connection != null;
        status = 101;
        exchange.responseStatus(101);
        ForwardingHeaders.prepareResponse(response.headers(), true);
        responseStarted = true;
        phase = Phase.TUNNEL;
        interimContentPending = true;
        armDeadline(Limit.IDLE);
        client.writeResponseHead(request, response, false);
        client.writeResponseContent(LastHttpContent.EMPTY_LAST_CONTENT);
        client.flush();
        // Both codecs go before either side's early bytes are replayed, so that no raw byte
        // ever meets an HTTP encoder: backend bytes first, then the client's.
        client.stopResponseEncoding();
        connection.switchToTunnel();
        client.startTunnel();
        connection.flush();
        client.flush();
        connection.read();
        client.readTunnel();
    }

    /** Raw bytes from the client after the switch. */
    void onClientTunnelData(ByteBuf data) {
        UpstreamConnection connection = upstream;
        if (phase != Phase.TUNNEL || connection == null) {
            data.release();
            return;
        }
        lastActivityNanos = System.nanoTime();
        requestBytes += data.readableBytes();
        connection.writeTunnel(data);
    }

    void onClientTunnelReadComplete() {
        UpstreamConnection connection = upstream;
        if (connection == null) {
            return;
        }
        connection.flush();
        if (connection.isWritable()) {
            client.readTunnel();
        }
    }

    // ---------------------------------------------------------------- deadlines

    private void armDeadline(Limit kind) {
        deadline = kind;
        lastActivityNanos = System.nanoTime();
        arm(client.eventLoop(), delayOf(kind));
    }

    /** Looked up, not kept: a field less in every exchange (the target is 512 B a request). */
    private long delayOf(Limit kind) {
        return kind == Limit.RESPONSE_HEADER
                ? upstreamConfig().timeouts().responseHeader().toNanos()
                : upstreamConfig().timeouts().idle().toNanos();
    }

    @Override
    protected void expired() {
        if (phase == Phase.DONE) {
            return;
        }
        if (deadline == Limit.IDLE) {
            long quietNanos = System.nanoTime() - lastActivityNanos;
            long periodNanos = delayOf(Limit.IDLE);
            if (quietNanos < periodNanos) {
                // There was traffic meanwhile: wait for the rest of the period.
                arm(client.eventLoop(), periodNanos - quietNanos);
                return;
            }
        }
        target().timeoutFailures.increment();
        Backend slowBackend = backend;
        if (slowBackend != null && (requestComplete || responseStarted)) {
            slowBackend.observer().onLocalFailure();
        }
        if (responseStarted) {
            abort("idle_timeout");
            return;
        }
        discardUpstream();
        if (deadline == Limit.IDLE && !requestComplete) {
            respondLocally(ErrorResponses.REQUEST_TIMEOUT, "client_body_timeout");
        } else {
            respondLocally(ErrorResponses.GATEWAY_TIMEOUT, "response_timeout");
        }
    }

    // ---------------------------------------------------------------- endings

    /** Answers with the proxy's own response; the request goes no further. */
    private void respondLocally(Response response, String why) {
        if (phase == Phase.DONE) {
            return;
        }
        if (responseStarted) {
            abort(why);
            return;
        }
        outcome = why;
        discardUpstream();
        status = response.status().code();
        exchange.responseStatus(status);
        if (!requestComplete && !bodiless) {
            // Reading and dropping an unwanted body would hand the client our time.
            closeAfter = true;
        }
        DefaultHttpResponse answer =
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status());
        HttpHeaders headers = answer.headers();
        headers.set(response.headers());
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, response.bodyLength());
        headers.set(ForwardingHeaderNames.X_REQUEST_ID, exchange.requestId());
        responseStarted = true;
        client.writeResponseHead(
                request, answer, closeAfter || !client.keepAliveRequested(request));
        ByteBuf body = response.body();
        responseBytes = head ? 0 : body.readableBytes();
        client.writeResponseContent(new DefaultLastHttpContent(body));
        client.flush();
        finish(true);
    }

    /** Closes both sides at once: the response cannot be completed. */
    private void abort(String why) {
        outcome = why;
        closeAfter = true;
        discardUpstream();
        finish(false);
        client.abort();
    }

    /** The request body turned out malformed midway; answer with the page if still possible. */
    void onRequestBroken(Response page) {
        closeAfter = true;
        if (responseStarted) {
            abort("malformed_body");
            return;
        }
        discardUpstream();
        respondLocally(page, "malformed_body");
    }

    /** The client connection closed. */
    void clientClosed() {
        if (phase == Phase.DONE) {
            return;
        }
        outcome = "client_closed";
        exchange.cancel();
        if (!responseStarted) {
            status = CLIENT_CLOSED;
        }
        discardUpstream();
        finish(false);
    }

    private void discardUpstream() {
        UpstreamConnection connection = upstream;
        upstream = null;
        if (connection != null) {
            connection.close();
        }
        endAttempt();
    }

    private void finish(boolean completed) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        exchange.cancel();
        disarm();
        UpstreamConnection connection = upstream;
        upstream = null;
        if (connection != null) {
            connection.release(requestWritten && !webSocket);
        }
        endAttempt();
        releaseHeld();
        long duration = System.nanoTime() - exchange.startNanos();
        RouteTarget target = routeTarget;
        if (target != null && status > 0 && status != CLIENT_CLOSED) {
            target.meters.record(status, duration);
        }
        state.accessLog().write(this);
        client.exchangeFinished(this, completed && !closeAfter && (requestComplete || bodiless));
    }

    private void releaseHeld() {
        ArrayDeque<HttpContent> queue = held;
        held = null;
        if (queue != null) {
            for (HttpContent content : queue) {
                ReferenceCountUtil.release(content);
            }
        }
        ByteBuf collected = prefix;
        prefix = null;
        if (collected != null) {
            collected.release();
        }
    }

    boolean isDone() {
        return phase == Phase.DONE;
    }

    boolean isTunnel() {
        return phase == Phase.TUNNEL;
    }

    // ---------------------------------------------------------------- access log entry

    @Override
    public String requestId() {
        return exchange.requestId();
    }

    @Override
    public String client() {
        return exchange.clientAddress().getHostAddress();
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String host() {
        return exchange.host();
    }

    @Override
    public String requestTarget() {
        return exchange.target();
    }

    @Override
    public int pathLength() {
        return exchange.pathLength();
    }

    @Override
    public String protocol() {
        return clientProtocol;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public long requestBytes() {
        return requestBytes;
    }

    @Override
    public long responseBytes() {
        return responseBytes;
    }

    @Override
    public long durationNanos() {
        return System.nanoTime() - exchange.startNanos();
    }

    @Override
    public String route() {
        return exchange.route();
    }

    @Override
    public @Nullable String upstream() {
        RouteTarget target = routeTarget;
        return target == null ? null : target.route.upstream().name();
    }

    @Override
    public @Nullable String backend() {
        Backend current = lastBackend;
        return current == null ? null : current.id();
    }

    @Override
    public int attempts() {
        return attempts;
    }

    @Override
    public @Nullable String blockedBy() {
        return exchange.blockedBy();
    }

    @Override
    public String outcome() {
        return outcome;
    }

    @Override
    public @Nullable String userAgent() {
        return request.headers().get(HttpHeaderNames.USER_AGENT);
    }

    @Override
    public @Nullable String referer() {
        return request.headers().get(HttpHeaderNames.REFERER);
    }
}
