package dev.portcullis.server.tls;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The two providers every main TLS case runs with, and the event loop the test servers use. */
final class TlsProviders {

    private TlsProviders() {}

    /**
     * The JDK provider and OpenSSL. OpenSSL is a dependency of the project; when it does not load,
     * the test fails with the reason instead of quietly testing the JDK alone.
     */
    static Stream<SslProvider> both() {
        OpenSsl.ensureAvailability();
        return Stream.of(SslProvider.JDK, SslProvider.OPENSSL_REFCNT);
    }

    static EventLoopGroup newEventLoop() {
        return new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
