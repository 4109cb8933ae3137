package dev.portcullis.demo;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * Builds the pipeline of one demo connection. The channel does not read on its own ({@code
 * AUTO_READ} is off): {@link FlowControlHandler} hands {@link DemoRequestHandler} one message per
 * {@code read()}, so a request is answered before the next one is looked at, and an upload is read
 * only as fast as it is counted.
 */
final class DemoChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final String KEEP_ALIVE = "keep-alive";
    private static final String CHUNKED_WRITER = "chunked-writer";
    private static final String FLOW_CONTROL = "flow-control";
    private static final String EXPECT_CONTINUE = "expect-continue";

    private final DemoResponses responses;
    private final byte[] page;
    private final ChannelGroup channels;

    DemoChannelInitializer(DemoResponses responses, byte[] page, ChannelGroup channels) {
        this.responses = responses;
        this.page = page;
        this.channels = channels;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channels.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("codec", new HttpServerCodec());
        pipeline.addLast(KEEP_ALIVE, new HttpServerKeepAliveHandler());
        pipeline.addLast(CHUNKED_WRITER, new ChunkedWriteHandler());
        pipeline.addLast(FLOW_CONTROL, new FlowControlHandler());
        // After flow control, so that a 100 Continue is sent only once the answers before it
        // have left, and through the chunked writer's queue.
        pipeline.addLast(EXPECT_CONTINUE, new BackendExpectContinueHandler(responses.backend()));
        pipeline.addLast("requests", new DemoRequestHandler(responses, page));
    }

    /**
     * Removes the handlers that only make sense for HTTP exchanges, once a connection has become a
     * WebSocket (the handshaker has already replaced the codec).
     */
    static void dropHttpHandlers(ChannelPipeline pipeline) {
        pipeline.remove(KEEP_ALIVE);
        pipeline.remove(CHUNKED_WRITER);
        pipeline.remove(FLOW_CONTROL);
        pipeline.remove(EXPECT_CONTINUE);
    }

    /**
     * Answers {@code Expect: 100-continue}, naming the backend like every other response. It never
     * refuses an expectation it understands, so only the acceptance needs the header.
     */
    private static final class BackendExpectContinueHandler
            extends HttpServerExpectContinueHandler {

        private final String backend;

        BackendExpectContinueHandler(String backend) {
            this.backend = backend;
        }

        @Override
        protected HttpResponse acceptMessage(HttpRequest request) {
            HttpResponse accept = super.acceptMessage(request);
            accept.headers().set(DemoResponses.BACKEND_HEADER, backend);
            return accept;
        }
    }
}
