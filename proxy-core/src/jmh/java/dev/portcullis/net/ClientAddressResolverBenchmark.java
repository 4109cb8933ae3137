package dev.portcullis.net;

import dev.portcullis.testing.BenchmarkRequests;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;
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

/**
 * Finding the real client of a decoded browser request, with {@code 10.0.0.0/8} trusted: from a
 * peer outside it (the header is not even looked at), and from a trusted load balancer whose {@code
 * X-Forwarded-For} has three hops, two of them trusted proxies, so the walk parses all three and
 * the client is the left-most.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClientAddressResolverBenchmark {

    private ClientAddressResolver resolver;
    private HttpHeaders plainHeaders;
    private HttpHeaders forwardedHeaders;
    private InetAddress untrustedPeer;
    private InetAddress trustedPeer;

    @Setup
    public void setUp() throws Exception {
        resolver = new ClientAddressResolver(CidrSet.of(List.of(Cidr.parse("10.0.0.0/8"))));
        plainHeaders = BenchmarkRequests.decode(BenchmarkRequests.BROWSER_GET).headers();
        String forwarded =
                BenchmarkRequests.withFields(
                        BenchmarkRequests.BROWSER_GET,
                        "X-Forwarded-For: 198.51.100.23, 10.1.2.3, 10.0.0.9");
        forwardedHeaders = BenchmarkRequests.decode(forwarded).headers();
        untrustedPeer = InetAddress.getByName("203.0.113.7");
        trustedPeer = InetAddress.getByName("10.0.0.2");
        InetAddress client = resolver.resolve(trustedPeer, forwardedHeaders);
        if (!client.getHostAddress().equals("198.51.100.23")) {
            throw new IllegalStateException("resolved " + client + " instead of the first hop");
        }
    }

    @Benchmark
    public InetAddress untrustedPeer() {
        return resolver.resolve(untrustedPeer, plainHeaders);
    }

    @Benchmark
    public InetAddress trustedPeerThreeHops() {
        return resolver.resolve(trustedPeer, forwardedHeaders);
    }
}
