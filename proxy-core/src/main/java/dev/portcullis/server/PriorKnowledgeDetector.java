package dev.portcullis.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * On a plain listener with {@code h2c: true}, tells cleartext HTTP/2 with prior knowledge (the
 * connection starts with the HTTP/2 preface) from HTTP/1.1, builds the matching pipeline and steps
 * aside. HTTP/1.1's {@code Upgrade: h2c} is never honoured.
 */
final class PriorKnowledgeDetector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ListenerContext listener;

    PriorKnowledgeDetector(ListenerContext listener) {
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read();
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int compared = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean prefix =
                ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), compared);
        if (prefix && compared < PREFACE.readableBytes()) {
            ctx.read();
            return;
        }
        if (prefix) {
            InetAddress peer =
                    ctx.channel().remoteAddress() instanceof InetSocketAddress remote
                            ? remote.getAddress()
                            : InetAddress.getLoopbackAddress();
            Http2Setup.configure(ctx.pipeline(), listener, peer);
        } else {
            Http1Setup.configure(ctx.pipeline(), listener);
        }
        // Removing the decoder hands what it buffered to the new pipeline.
        ctx.pipeline().remove(this);
    }
}
