package dev.portcullis.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every admitted client connection, so that a shutdown can reach them all, and the bookkeeping done
 * when one closes. The listener's initializer passes one close listener shared by all its
 * connections, so that a connection carries nothing of its own here but its entry in the set.
 */
final class ClientConnections {

    private final Set<Channel> open = ConcurrentHashMap.newKeySet();

    /** Tracks an admitted connection until it closes, when {@code onClose} runs too. */
    void admitted(Channel channel, ChannelFutureListener onClose) {
        open.add(channel);
        channel.closeFuture().addListener(onClose);
    }

    /** Forgets a connection that closed. */
    void closed(Channel channel) {
        open.remove(channel);
    }

    /** The connections open now (a live view). */
    Iterable<Channel> open() {
        return open;
    }

    /** Closes every connection, waiting at most the given time. */
    void closeAll(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (Channel channel : open) {
            channel.close()
                    .awaitUninterruptibly(Math.max(1, deadline - System.currentTimeMillis()));
        }
    }
}
