package dev.portcullis.upstream;

import dev.portcullis.testing.BenchmarkRequests;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Header rewriting at the proxy's two crossings: a decoded browser GET on its way to the backend
 * (from an untrusted client, and from a trusted proxy that sent three {@code X-Forwarded-For} hops)
 * and an nginx response on its way back.
 *
 * <h2>Why the copy is measured</h2>
 *
 * Both methods change the headers they are given, and a second call on the same headers does less
 * (the {@code Connection} field is gone, the forwarding fields are already set), so every operation
 * rewrites a fresh copy of the decoded headers. The copy cannot be made outside the measurement: an
 * invocation-level setup would keep its time out but not its allocation, which {@code -prof gc}
 * counts per thread over the whole iteration, and at this scale such a setup distorts the timing.
 * So each rewriting benchmark has a {@code copy...} twin that only copies; the rewriting itself
 * costs the difference of the two, in time and in bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForwardingHeadersBenchmark {

    private static final String REQUEST_ID = "0123456789abcdef";

    private HttpHeaders browserRequest;
    private HttpHeaders forwardedRequest;
    private HttpHeaders originResponse;
    private InetAddress untrustedPeer;
    private InetAddress trustedPeer;

    @Setup
    public void setUp() throws Exception {
        browserRequest = BenchmarkRequests.decode(BenchmarkRequests.BROWSER_GET).headers();
        String forwarded =
                BenchmarkRequests.withFields(
                        BenchmarkRequests.BROWSER_GET,
                        "X-Forwarded-For: 198.51.100.23, 10.1.2.3, 10.0.0.9",
                        "X-Forwarded-Proto: https");
        forwardedRequest = BenchmarkRequests.decode(forwarded).headers();
        originResponse = decodedResponse(BenchmarkRequests.SMALL_RESPONSE).headers();
        untrustedPeer = InetAddress.getByName("203.0.113.7");
        trustedPeer = InetAddress.getByName("10.0.0.2");
    }

    /** Decodes a response with the backend connection's own codec settings. */
    private static HttpResponse decodedResponse(String wire) {
        EmbeddedChannel channel =
                new EmbeddedChannel(
                        new HttpClientCodec(BackendPools.responseDecoderConfig(), false, false));
        try {
            channel.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.US_ASCII));
            Object head = channel.readInbound();
            if (!(head instanceof HttpResponse response)) {
                ReferenceCountUtil.release(head);
                throw new IllegalStateException("not a valid response: " + head);
            }
            return response;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Benchmark
    public HttpHeaders copyRequest() {
        return browserRequest.copy();
    }

    @Benchmark
    public HttpHeaders prepareRequestUntrustedPeer(Blackhole blackhole) {
        HttpHeaders headers = browserRequest.copy();
        blackhole.consume(
                ForwardingHeaders.prepareRequest(
                        headers, untrustedPeer, false, false, false, REQUEST_ID));
        return headers;
    }

    @Benchmark
    public HttpHeaders copyForwardedRequest() {
        return forwardedRequest.copy();
    }

    @Benchmark
    public HttpHeaders prepareRequestTrustedPeer(Blackhole blackhole) {
        HttpHeaders headers = forwardedRequest.copy();
        blackhole.consume(
                ForwardingHeaders.prepareRequest(
                        headers, trustedPeer, true, true, false, REQUEST_ID));
        return headers;
    }

    @Benchmark
    public HttpHeaders copyResponse() {
        return originResponse.copy();
    }

    @Benchmark
    public HttpHeaders prepareResponse() {
        HttpHeaders headers = originResponse.copy();
        ForwardingHeaders.prepareResponse(headers, false);
        return headers;
    }
}
