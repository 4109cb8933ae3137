package dev.portcullis.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import org.jspecify.annotations.Nullable;

/**
 * Receives what a backend connection delivers while one exchange holds it. Called on the
 * connection's event loop, which is also the client connection's.
 */
public interface UpstreamListener {

    /** A response head, informational ones included. */
    void onResponseHead(HttpResponse head);

    /**
     * A part of the response body; the last one is a {@link io.netty.handler.codec.http
     * .LastHttpContent}. Ownership passes to the listener.
     */
    void onResponseContent(HttpContent content);

    /** The backend's socket has no more to give for now: a good moment to flush. */
    void onReadComplete();

    /** The connection's writability changed; the listener reads from the client only if true. */
    void onWritabilityChanged(boolean writable);

    /** Raw bytes after a protocol switch (WebSocket). Ownership passes to the listener. */
    void onTunnelData(ByteBuf data);

    /**
     * The connection closed or broke while held, or sent something that is not a valid response.
     *
     * @param cause what went wrong, or null for a plain close by the backend
     */
    void onClosed(@Nullable Throwable cause);
}
