package dev.portcullis.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * The client side of an exchange, as {@link ProxyExchange} sees it: how to answer and how to ask
 * for more of the request. Implemented by the HTTP/1.1 connection handler (and by an HTTP/2
 * stream), which own the protocol's rules about framing and keep-alive.
 */
interface ClientConnection {

    EventLoop eventLoop();

    ByteBufAllocator alloc();

    InetAddress peerAddress();

    /** The peer's address as text, computed once per connection. */
    String peerText();

    /** Whether the peer is one of the state's trusted proxies (cached per connection). */
    boolean peerTrusted(ServingState state);

    boolean secure();

    String listenerName();

    /** The verified subject of the client's TLS certificate, or null (no TLS, no certificate). */
    @Nullable String clientCertificateSubject();

    /** The protocol the client speaks, for the access log: HTTP/1.0, HTTP/1.1 or HTTP/2.0. */
    String protocolName(HttpRequest request);

    /** Whether writes to the client go through without queueing. */
    boolean isWritable();

    /** Sends {@code 100 Continue} so the client starts sending its body. */
    void writeContinue();

    /**
     * Writes a final response head, after setting its framing and connection fields.
     *
     * @param close whether the connection closes after this response
     */
    void writeResponseHead(HttpRequest request, HttpResponse response, boolean close);

    /** Writes a part of the response body; the caller flushes. */
    void writeResponseContent(HttpContent content);

    void flush();

    /** Asks the client for the next part of the request body. */
    void readRequestBody();

    /**
     * Keeps one read pending while the exchange waits (for a later verdict), so that a client that
     * leaves meanwhile is noticed; at most one read's worth of input is taken in.
     */
    void watchForClose();

    /**
     * The exchange is over. The connection serves the next request, or closes once what was written
     * is flushed.
     */
    void exchangeFinished(ProxyExchange exchange, boolean keepAlive);

    /** Closes at once, so that an incomplete response cannot look complete. */
    void abort();

    /** Whether the client's request and protocol allow keeping the connection open after it. */
    boolean keepAliveRequested(HttpRequest request);

    /**
     * First step of a protocol switch, once the {@code 101} is written: no more HTTP responses, so
     * raw bytes from the backend can be written.
     */
    void stopResponseEncoding();

    /**
     * Second step: no more HTTP requests; bytes the client sent after its upgrade request, and all
     * later ones, are delivered as they are.
     */
    void startTunnel();

    /** Writes raw bytes after {@link #stopResponseEncoding}. */
    void writeTunnel(ByteBuf data);

    /** Asks the client for more raw bytes after {@link #stopResponseEncoding}. */
    void readTunnel();
}
