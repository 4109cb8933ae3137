package dev.portcullis.server.h1;

import dev.portcullis.testing.BenchmarkRequests;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding one whole request, with every strict framing check, as one socket read delivers it: the
 * bytes arrive in a fresh buffer of the channel's allocator (as a read fills one), go through the
 * pipeline as {@code channelRead} and {@code channelReadComplete}, and the decoder is resumed for
 * the next request, as the connection does once the response is written.
 *
 * <p>Every operation includes filling the input buffer (a copy of under 500 bytes) and the sink's
 * handing of each message to the blackhole and releasing it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Http1RequestDecoderBenchmark {

    private final byte[] browserGet = BenchmarkRequests.bytes(BenchmarkRequests.BROWSER_GET);
    private final byte[] smallPost = BenchmarkRequests.bytes(BenchmarkRequests.SMALL_POST);
    private final byte[] chunkedPost = BenchmarkRequests.bytes(BenchmarkRequests.CHUNKED_POST);

    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private Http1RequestDecoder decoder;
    private Sink sink;
    private ByteBufAllocator alloc;

    @Setup
    public void setUp(Blackhole blackhole) {
        decoder = new Http1RequestDecoder(8192, 16384, 100);
        sink = new Sink(blackhole);
        channel = new EmbeddedChannel(decoder, sink);
        pipeline = channel.pipeline();
        alloc = channel.alloc();
    }

    @TearDown
    public void tearDown() {
        if (channel.finishAndReleaseAll()) {
            throw new IllegalStateException("the decoder left messages behind");
        }
    }

    /** A GET with 10 header fields, 492 bytes. */
    @Benchmark
    public int browserGet() {
        return decode(browserGet);
    }

    /** A POST with a 27-byte body and {@code Content-Length}. */
    @Benchmark
    public int smallPost() {
        return decode(smallPost);
    }

    /** The same POST with its body in two chunks. */
    @Benchmark
    public int chunkedPost() {
        return decode(chunkedPost);
    }

    private int decode(byte[] wire) {
        int endsBefore = sink.requestsEnded;
        ByteBuf read = alloc.directBuffer(wire.length).writeBytes(wire);
        pipeline.fireChannelRead(read);
        pipeline.fireChannelReadComplete();
        if (sink.requestsEnded != endsBefore + 1) {
            throw new IllegalStateException("the request was not decoded to its end");
        }
        decoder.resume();
        return sink.requestsEnded;
    }

    /** The next handler: consumes what the decoder emits, as the connection would. */
    private static final class Sink extends ChannelInboundHandlerAdapter {

        private final Blackhole blackhole;
        private int requestsEnded;

        Sink(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                blackhole.consume(request.headers());
            }
            if (msg instanceof HttpContent content) {
                blackhole.consume(content.content().readableBytes());
            }
            if (msg instanceof LastHttpContent) {
                requestsEnded++;
            }
            if (msg instanceof RejectedRequest rejected) {
                throw new IllegalStateException("request refused: " + rejected.rejection());
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // The connection would flush here; nothing is written in this benchmark.
        }
    }
}
