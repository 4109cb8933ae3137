package dev.portcullis.server;

import dev.portcullis.config.TransportChoice;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The I/O transport: native epoll when it loads, NIO otherwise, and the channel types of each. */
public enum Transport {
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class),
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class);

    private final String label;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;

    Transport(
            String label,
            Class<? extends ServerChannel> serverChannel,
            Class<? extends SocketChannel> socketChannel) {
        this.label = label;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    /**
     * The transport for a configured choice.
     *
     * @throws IllegalStateException when epoll is demanded but cannot load here
     */
    public static Transport select(TransportChoice choice) {
        return switch (choice) {
            case NIO -> NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException(
                            "server.transport is epoll, but native epoll is not available: "
                                    + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
        };
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    /** {@code epoll} or {@code nio}, as the start-up line shows it. */
    public String label() {
        return label;
    }
}
