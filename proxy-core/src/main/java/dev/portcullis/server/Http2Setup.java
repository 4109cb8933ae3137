package dev.portcullis.server;

import dev.portcullis.config.LimitsConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.InetAddress;

/**
 * Builds the HTTP/2 pipeline of a client connection: the frame codec with every abuse limit set
 * explicitly (concurrent streams, flow-control window, header list size, resets per window against
 * rapid reset, empty DATA frames, CONTINUATION floods, queued control frames) and the mandatory
 * request pseudo-headers checked, the stream multiplexer, and per stream the conversion to HTTP
 * objects, {@link Http2RequestRules} and an {@link Http2StreamConnection}; last, {@link
 * Http2ConnectionErrors}.
 */
final class Http2Setup {

    /** Empty DATA frames in a row before the connection is considered abusive. */
    private static final int MAX_CONSECUTIVE_EMPTY_DATA = 2;

    /** Small CONTINUATION frames before a header block is considered a flood. */
    private static final int MAX_SMALL_CONTINUATIONS = 16;

    /** Control frames the peer may leave unread before the connection is closed. */
    private static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;

    private Http2Setup() {}

    static void configure(ChannelPipeline pipeline, ListenerContext listener, InetAddress peer) {
        ServingState state = listener.state();
        LimitsConfig limits = state.limits();
        Http2Settings settings =
                Http2Settings.defaultSettings()
                        .maxConcurrentStreams(limits.http2MaxConcurrentStreams())
                        .initialWindowSize(limits.http2InitialWindow().toIntSaturated())
                        .maxHeaderListSize(limits.maxHeaderBytes().bytes());
        int resetWindowSeconds = (int) Math.max(1, limits.http2ResetWindow().toSeconds());
        Http2FrameCodec codec =
                Http2FrameCodecBuilder.forServer()
                        .initialSettings(settings)
                        .validateHeaders(true)
                        // Off by default: a request without :method would read as trailers and
                        // hang its stream, one without :path fails the conversion to HTTP/1.1.
                        .validateRequiredPseudoHeaders(true)
                        .decoderEnforceMaxRstFramesPerWindow(
                                limits.http2MaxResets(), resetWindowSeconds)
                        .encoderEnforceMaxRstFramesPerWindow(
                                limits.http2MaxResets(), resetWindowSeconds)
                        .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA)
                        .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
                        .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                        .gracefulShutdownTimeoutMillis(
                                state.config().server().drainTimeout().toMillis())
                        .build();
        Http2ConnectionIdle idle = new Http2ConnectionIdle(limits.idleTimeout());
        pipeline.addLast("h2", codec);
        pipeline.addLast("h2-idle", idle);
        pipeline.addLast(
                "h2-streams",
                new Http2MultiplexHandler(
                        new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.config().setAutoRead(false);
                                idle.streamOpened(stream);
                                stream.pipeline()
                                        .addLast(new Http2StreamFrameToHttpObjectCodec(true, true))
                                        .addLast(new Http2RequestRules())
                                        .addLast(new Http2StreamConnection(listener, peer));
                            }
                        }));
        pipeline.addLast("h2-errors", Http2ConnectionErrors.INSTANCE);
    }

    /** Whether the channel is an HTTP/2 stream (rather than an HTTP/1.1 connection). */
    static boolean isStream(Channel channel) {
        return channel instanceof Http2StreamChannel;
    }
}
