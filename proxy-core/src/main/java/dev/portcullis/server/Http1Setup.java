package dev.portcullis.server;

import dev.portcullis.config.LimitsConfig;
import dev.portcullis.server.h1.Http1RequestDecoder;
import dev.portcullis.server.h1.Http1ResponseEncoder;
import io.netty.channel.ChannelPipeline;

/** Builds the HTTP/1.1 part of a client pipeline: strict decoder, encoder, connection driver. */
final class Http1Setup {

    private Http1Setup() {}

    static void configure(ChannelPipeline pipeline, ListenerContext listener) {
        LimitsConfig limits = listener.state().limits();
        Http1RequestDecoder decoder =
                new Http1RequestDecoder(
                        limits.maxRequestLine().toIntSaturated(),
                        limits.maxHeaderBytes().toIntSaturated(),
                        limits.maxHeaders());
        Http1ResponseEncoder encoder = new Http1ResponseEncoder();
        pipeline.addLast("decoder", decoder);
        pipeline.addLast("encoder", encoder);
        pipeline.addLast("connection", new Http1Connection(listener, decoder, encoder));
    }
}
