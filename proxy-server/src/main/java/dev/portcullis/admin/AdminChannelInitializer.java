package dev.portcullis.admin;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of one admin connection: idle timer, bounded HTTP/1.1 codec, keep-alive,
 * aggregation of the (tiny) requests, then the endpoint table.
 */
final class AdminChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** Admin requests carry no body worth the name; anything larger is answered with 413. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private static final int MAX_REQUEST_LINE_BYTES = 4 * 1024;
    private static final int MAX_HEADER_BYTES = 8 * 1024;

    private final ChannelGroup channels;
    private final Duration idleTimeout;
    private final AdminRequestHandler requestHandler;

    AdminChannelInitializer(
            ChannelGroup channels, Duration idleTimeout, AdminRequestHandler requestHandler) {
        this.channels = channels;
        this.idleTimeout = idleTimeout;
        this.requestHandler = requestHandler;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channels.add(channel);
        HttpDecoderConfig decoderConfig =
                new HttpDecoderConfig()
                        .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                        .setMaxHeaderSize(MAX_HEADER_BYTES);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(
                "idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        pipeline.addLast("codec", new HttpServerCodec(decoderConfig));
        pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
        pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
        pipeline.addLast("endpoints", requestHandler);
    }
}
