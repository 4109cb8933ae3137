package dev.portcullis.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * After the TLS handshake, builds the rest of the pipeline for the protocol ALPN chose: HTTP/2 for
 * {@code h2}, HTTP/1.1 otherwise (also when the client offered no ALPN at all).
 */
final class AlpnSetup extends ApplicationProtocolNegotiationHandler {

    private final ListenerContext listener;

    AlpnSetup(ListenerContext listener) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.listener = listener;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            InetAddress peer =
                    ctx.channel().remoteAddress() instanceof InetSocketAddress remote
                            ? remote.getAddress()
                            : InetAddress.getLoopbackAddress();
            Http2Setup.configure(ctx.pipeline(), listener, peer);
            ctx.read();
        } else {
            Http1Setup.configure(ctx.pipeline(), listener);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // Counted and logged by the handshake meter already; nothing to add but the close.
        ctx.close();
    }
}
