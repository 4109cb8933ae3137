package dev.portcullis.server;

import dev.portcullis.server.guard.ConnectionGuard;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every admitted client connection, so that a shutdown can reach them all, and the bookkeeping done
 * when one closes (connection caps, the open-connections gauge). One small listener object per
 * connection does all of it, which keeps an idle connection's footprint small.
 */
final class ClientConnections {

    private final Set<Channel> open = ConcurrentHashMap.newKeySet();

    /** Tracks an admitted connection until it closes. */
    void admitted(
            Channel channel, InetAddress address, ConnectionGuard guard, ListenerContext listener) {
        open.add(channel);
        channel.closeFuture().addListener(new Closed(address, guard, listener));
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

    private final class Closed implements ChannelFutureListener {
        private final InetAddress address;
        private final ConnectionGuard guard;
        private final ListenerContext listener;

        Closed(InetAddress address, ConnectionGuard guard, ListenerContext listener) {
            this.address = address;
            this.guard = guard;
            this.listener = listener;
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            open.remove(future.channel());
            guard.release(address);
            listener.activeConnections().decrementAndGet();
        }
    }
}
