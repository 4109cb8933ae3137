package dev.portcullis.filter;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One request's context, from its head to the end of its response: what the filters know about it
 * and what they leave for each other. Confined to the event loop of the client connection.
 */
public final class Exchange {

    private static final AtomicInteger KEY_COUNT = new AtomicInteger();

    private final HttpRequest request;
    private final String host;
    private final String target;
    private final int pathLength;
    private @Nullable String path;
    private final InetAddress clientAddress;
    private final InetAddress peerAddress;
    private final boolean secure;
    private final String listener;
    private final String route;
    private final String requestId;
    private final long startNanos;
    private @Nullable Object @Nullable [] attributes;
    private int responseStatus;
    private @Nullable String blockedBy;

    // Chain state, owned by FilterChain.
    int position;
    boolean cancelled;
    Verdict.@Nullable Later pending;
    @Nullable ScheduledFuture<?> pendingTimer;

    /**
     * @param request the request as decoded; its headers may be changed until it is forwarded
     * @param host the normalised host (lower case, no port)
     * @param path the path of the target, without query
     * @param clientAddress the real client, as resolved from trusted proxies
     * @param peerAddress the address of the connection's peer
     */
    public Exchange(
            HttpRequest request,
            String host,
            String path,
            InetAddress clientAddress,
            InetAddress peerAddress,
            boolean secure,
            String listener,
            String route,
            String requestId,
            long startNanos) {
        this(
                request,
                host,
                path,
                path.length(),
                clientAddress,
                peerAddress,
                secure,
                listener,
                route,
                requestId,
                startNanos);
    }

    /**
     * As the other constructor, with the path given as the first {@code pathLength} characters of
     * the request target (the path is cut out only when someone asks for it).
     */
    public Exchange(
            HttpRequest request,
            String host,
            String target,
            int pathLength,
            InetAddress clientAddress,
            InetAddress peerAddress,
            boolean secure,
            String listener,
            String route,
            String requestId,
            long startNanos) {
        this.request = request;
        this.host = host;
        this.target = target;
        this.pathLength = pathLength;
        this.clientAddress = clientAddress;
        this.peerAddress = peerAddress;
        this.secure = secure;
        this.listener = listener;
        this.route = route;
        this.requestId = requestId;
        this.startNanos = startNanos;
    }

    public HttpRequest request() {
        return request;
    }

    public String host() {
        return host;
    }

    public String path() {
        String known = path;
        if (known == null) {
            known = pathLength == target.length() ? target : target.substring(0, pathLength);
            path = known;
        }
        return known;
    }

    /** The request target (path and query) as received, in origin form. */
    public String target() {
        return target;
    }

    /** How many characters at the start of {@link #target()} are the path. */
    public int pathLength() {
        return pathLength;
    }

    public InetAddress clientAddress() {
        return clientAddress;
    }

    public InetAddress peerAddress() {
        return peerAddress;
    }

    /** Whether the client connection is TLS. */
    public boolean secure() {
        return secure;
    }

    public String listener() {
        return listener;
    }

    public String route() {
        return route;
    }

    public String requestId() {
        return requestId;
    }

    /** {@link System#nanoTime()} when the request head was complete. */
    public long startNanos() {
        return startNanos;
    }

    /** The response status once the response head is known, else 0. */
    public int responseStatus() {
        return responseStatus;
    }

    public void responseStatus(int status) {
        this.responseStatus = status;
    }

    /** The name of the filter that answered the request itself, if one did. */
    public @Nullable String blockedBy() {
        return blockedBy;
    }

    void blockedBy(String filter) {
        this.blockedBy = filter;
    }

    /** Whether the client went away before the exchange ended. */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Marks the exchange as abandoned: a pending verdict is ignored when it completes and its timer
     * is cancelled.
     */
    public void cancel() {
        cancelled = true;
        ScheduledFuture<?> timer = pendingTimer;
        if (timer != null) {
            timer.cancel(false);
            pendingTimer = null;
        }
        pending = null;
    }

    /** A value a filter left for this request, or null. */
    public <T> @Nullable T attribute(Key<T> key) {
        Object[] values = attributes;
        if (values == null || key.index >= values.length) {
            return null;
        }
        return key.type.cast(values[key.index]);
    }

    public <T> void attribute(Key<T> key, T value) {
        Object[] values = attributes;
        if (values == null || key.index >= values.length) {
            Object[] grown = new Object[Math.max(KEY_COUNT.get(), key.index + 1)];
            if (values != null) {
                System.arraycopy(values, 0, grown, 0, values.length);
            }
            attributes = grown;
            values = grown;
        }
        values[key.index] = value;
    }

    /** Names a kind of per-request value; create one per use, as a constant. */
    public static final class Key<T> {
        private final String name;
        private final Class<T> type;
        private final int index;

        public Key(String name, Class<T> type) {
            this.name = name;
            this.type = type;
            this.index = KEY_COUNT.getAndIncrement();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
