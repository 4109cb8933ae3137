package dev.portcullis.server;

import com.sun.management.ThreadMXBean;
import dev.portcullis.balance.LoadBalancer;
import dev.portcullis.balance.LoadBalancers;
import dev.portcullis.config.AccessLogFormat;
import dev.portcullis.config.LoggingConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.UpstreamConfig;
import dev.portcullis.filter.FilterChain;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.server.guard.ConnectionGuard;
import dev.portcullis.server.h1.DecodedRequest;
import dev.portcullis.testing.BenchmarkRequests;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.BackendPool;
import dev.portcullis.upstream.EmbeddedBackendPools;
import dev.portcullis.upstream.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One keep-alive request through the whole HTTP/1.1 proxy path, in memory: the client connection's
 * production pipeline ({@link Http1Setup}) on one embedded channel, the production backend pool and
 * {@code UpstreamConnection} on another, a {@link ServingState} built as {@link ProxyServer} builds
 * it, one route, one backend, no filters.
 *
 * <p>Per operation of {@link #roundTrip}: a browser GET (492 bytes) arrives in one read on the
 * client channel; what the backend channel was asked to write is read and released; the backend
 * answers with a 100-byte page in one read; what the client channel was asked to write is read and
 * released. The input buffers come from the channel allocator, as socket reads' do.
 *
 * <p>{@link #decodedHeadToBackendWrite} starts later, with a request already decoded: a copy of the
 * decoded GET, with header values of its own, is passed to the connection handler as the decoder
 * passes it. The part the target is set for, from that head to the end of the flush of the request
 * to the backend channel, is measured on its own with the thread's allocation counter and reported
 * as the {@code headToBackendBytes} and {@code requests} counters: their ratio is the bytes
 * allocated per request in that part. Its {@code gc.alloc.rate.norm} also counts the copy and the
 * response half.
 *
 * <p>What differs from a socket: the embedded channels queue what is written instead of calling
 * {@code writev}, both channels run on the benchmark thread, and metrics go to a simple registry,
 * not Prometheus. With {@code accessLog=JSON} the access-log line is built and handed to a logback
 * appender that drops it (see {@code logback-jmh.xml}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 15, time = 2)
@Measurement(iterations = 5, time = 1)
// As the launcher runs the proxy: without the sampling leak detector and its wrapper buffers.
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class RequestPathBenchmark {

    private static final InetSocketAddress CLIENT = clientAddress();
    private static final HttpHeadersFactory HEADERS =
            DefaultHttpHeadersFactory.headersFactory()
                    .withNameValidation(false)
                    .withValueValidation(false);

    @Param({"OFF", "JSON"})
    public AccessLogFormat accessLog;

    private final byte[] request = BenchmarkRequests.bytes(BenchmarkRequests.BROWSER_GET);
    private final byte[] response = BenchmarkRequests.bytes(BenchmarkRequests.SMALL_RESPONSE);

    private EmbeddedChannel client;
    private EmbeddedChannel backend;
    private ChannelPipeline clientPipeline;
    private ChannelPipeline backendPipeline;
    private ChannelHandlerContext decoderContext;
    private ByteBufAllocator alloc;
    private BackendPool pool;
    private HttpRequest decoded;
    private ThreadMXBean threads;

    /** The allocation of the decoded-head-to-backend-write part, summed over an iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class HeadToBackend {
        /** Bytes allocated from handing over the decoded head to the end of the backend flush. */
        public long headToBackendBytes;

        /** Requests measured. */
        public long requests;

        @Setup(Level.Iteration)
        public void reset() {
            headToBackendBytes = 0;
            requests = 0;
        }
    }

    @Setup
    public void setUp() {
        ProxyMetrics metrics = ProxyMetrics.discarding();
        ProxyConfig config = config();
        UpstreamConfig upstreamConfig = config.upstreams().get(0);
        Backend target = new Backend(upstreamConfig.name(), upstreamConfig.backends().get(0));
        Upstream upstream = new Upstream(upstreamConfig, List.of(target));
        LoadBalancer balancer = LoadBalancers.create(upstreamConfig.balance(), List.of(target));
        ServingState state =
                ServingState.build(
                        config,
                        Map.of(upstream.name(), upstream),
                        Map.of(upstream.name(), balancer),
                        FilterChain.empty(),
                        metrics);
        ListenerContext listener =
                new ListenerContext(
                        "test",
                        null,
                        null,
                        false,
                        0,
                        new AtomicReference<>(state),
                        new ConnectionGuard(
                                config.limits().maxConnections(),
                                config.limits().maxConnectionsPerIp()),
                        metrics);

        client = new ClientChannel();
        Http1Setup.configure(client.pipeline(), listener);
        clientPipeline = client.pipeline();
        decoderContext = clientPipeline.context("decoder");
        alloc = client.alloc();
        backend = new EmbeddedChannel();
        backendPipeline = backend.pipeline();
        EmbeddedBackendPools.install(target, upstream, client.eventLoop(), backend, metrics);
        BackendPool installed = target.pool(client.eventLoop());
        if (installed == null) {
            throw new IllegalStateException("no pool on the client's event loop");
        }
        pool = installed;
        decoded = BenchmarkRequests.decode(BenchmarkRequests.BROWSER_GET);
        threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        checkOneExchange();
    }

    private ProxyConfig config() {
        ProxyConfig base =
                TestConfigs.builder()
                        .backend(new InetSocketAddress(InetAddress.getLoopbackAddress(), 18_080))
                        .build();
        return new ProxyConfig(
                base.listeners(),
                base.server(),
                base.clientIp(),
                base.limits(),
                base.upstreams(),
                base.routes(),
                base.admin(),
                new LoggingConfig(accessLog));
    }

    /** Proves the setup proxies: the backend gets the forwarded GET, the client the page. */
    private void checkOneExchange() {
        clientPipeline.fireChannelRead(alloc.directBuffer().writeBytes(request));
        clientPipeline.fireChannelReadComplete();
        String forwarded = drainToString(backend);
        answer();
        String answered = drainToString(client);
        if (!forwarded.startsWith("GET /products/shoes?page=2&sort=price HTTP/1.1\r\n")
                || !forwarded.contains("x-forwarded-for: 203.0.113.7\r\n")
                || !answered.startsWith("HTTP/1.1 200 OK\r\n")
                || !answered.endsWith("x".repeat(100))
                || pool.idleCount() != 1) {
            throw new IllegalStateException(
                    "the in-memory proxy does not proxy:\n" + forwarded + "\n---\n" + answered);
        }
    }

    @TearDown
    public void tearDown() {
        client.finishAndReleaseAll();
        backend.finishAndReleaseAll();
    }

    /** Bytes in on the client side, through the backend and back out to the client. */
    @Benchmark
    public int roundTrip() {
        clientPipeline.fireChannelRead(alloc.directBuffer(request.length).writeBytes(request));
        clientPipeline.fireChannelReadComplete();
        int forwarded = drain(backend);
        answer();
        return checked(forwarded, drain(client));
    }

    /** From an already decoded request head; the head-to-backend part is counted on its own. */
    @Benchmark
    public int decodedHeadToBackendWrite(HeadToBackend part) {
        HttpHeaders headers = HEADERS.newHeaders();
        AsciiString host = AsciiString.EMPTY_STRING;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> fields =
                        decoded.headers().iteratorCharSequence();
                fields.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            // A value of its own, as the decoder makes one: a shared one would have its string
            // form cached from the previous request.
            AsciiString value = new AsciiString(field.getValue());
            headers.add(field.getKey(), value);
            if (HttpHeaderNames.HOST.contentEqualsIgnoreCase(field.getKey())) {
                host = value;
            }
        }
        HttpRequest head =
                DecodedRequest.of(
                        decoded.protocolVersion(), decoded.method(), decoded.uri(), headers, host);

        long before = threads.getCurrentThreadAllocatedBytes();
        decoderContext.fireChannelRead(head);
        decoderContext.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
        decoderContext.fireChannelReadComplete();
        long after = threads.getCurrentThreadAllocatedBytes();
        part.headToBackendBytes += after - before;
        part.requests++;

        int forwarded = drain(backend);
        answer();
        return checked(forwarded, drain(client));
    }

    private void answer() {
        backendPipeline.fireChannelRead(alloc.directBuffer(response.length).writeBytes(response));
        backendPipeline.fireChannelReadComplete();
    }

    private int checked(int forwarded, int answered) {
        if (forwarded == 0 || answered == 0 || pool.idleCount() != 1) {
            throw new IllegalStateException("the exchange did not complete");
        }
        return forwarded + answered;
    }

    /** Reads and releases what the channel was asked to write; returns the number of bytes. */
    private static int drain(EmbeddedChannel channel) {
        int bytes = 0;
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ByteBuf data = (ByteBuf) written;
            bytes += data.readableBytes();
            data.release();
        }
        return bytes;
    }

    private static String drainToString(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ByteBuf data = (ByteBuf) written;
            text.append(data.toString(StandardCharsets.US_ASCII));
            data.release();
        }
        return text.toString();
    }

    private static InetSocketAddress clientAddress() {
        try {
            return new InetSocketAddress(
                    InetAddress.getByAddress(new byte[] {(byte) 203, 0, (byte) 113, 7}), 51_234);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** An embedded channel whose peer is a client on the internet rather than no address. */
    private static final class ClientChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return CLIENT;
        }
    }
}
