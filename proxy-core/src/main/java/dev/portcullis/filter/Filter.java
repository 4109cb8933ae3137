package dev.portcullis.filter;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One protection on the request path. Filters run on the event loop of the client connection, in
 * the fixed order of {@link FilterChain}; they must never block it. A filter's configuration is
 * immutable and built at load time; anything it knows about one request lives in the {@link
 * Exchange}.
 *
 * <p>Request phase: {@link #onRequest} returns a {@link Verdict} for the request head. A filter
 * that needs to see the body first returns {@link Verdict#inspectBody(int)} and gets the prefix in
 * {@link #onRequestBody}. A verdict that depends on something slow (a shared store) is a {@link
 * Verdict#later} future; reading from the client pauses until it completes.
 *
 * <p>Response phase: {@link #onResponse} sees the response head before the client does, in reverse
 * chain order, and may change its headers.
 */
public interface Filter {

    /** A short, fixed name, used as a metric label and in security events. */
    String name();

    /**
     * The reason under which this filter's blocks are counted ({@code waf}, {@code csrf}, {@code
     * rate_limit}, {@code ban}, {@code deny}, {@code session}, {@code limit}); a small fixed set.
     */
    default String blockReason() {
        return name();
    }

    /** Judges the request head. */
    Verdict onRequest(Exchange exchange);

    /**
     * Judges the request after an {@link Verdict#inspectBody} verdict.
     *
     * @param prefix the first bytes of the body, at most the number asked for; read-only and valid
     *     only during this call
     * @param complete whether the prefix is the whole body
     */
    default Verdict onRequestBody(Exchange exchange, ByteBuf prefix, boolean complete) {
        return Verdict.proceed();
    }

    /** Sees, and may change, the response head before it is sent. */
    default void onResponse(Exchange exchange, HttpResponse response) {}
}
