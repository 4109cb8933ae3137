package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.UpstreamTimeouts;
import dev.portcullis.testing.RawClient;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.upstream.Backend;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * What a client sees when a backend fails: a truncated body never looks complete, a slow backend is
 * timed out, a missing one is a 503, and no error page tells the client anything about the inside.
 */
class UpstreamFailureIT {

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void backendDyingMidResponse_withContentLength_clientSeesCloseBeforeDeclaredLength()
            throws Exception {
        try (TestBackend backend =
                        TestBackend.start("dying", (r, reply) -> reply.truncated(100_000, 10_000));
                RunningProxy proxy = RunningProxy.start(config(backend));
                RawClient raw = RawClient.connect(proxy.address())) {
            raw.get("/file");
            RawClient.Head head = raw.readHead();

            RawClient.Body body = raw.readBody(head, (offset, data, from, length) -> {});

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.contentLength()).isEqualTo(100_000);
            assertThat(body.complete()).isFalse();
            assertThat(body.bytes()).isLessThan(100_000);
        }
    }

    @Test
    void backendDyingMidResponse_chunked_clientNeverGetsTheLastChunk() throws Exception {
        try (TestBackend backend =
                        TestBackend.start("dying", (r, reply) -> reply.truncatedChunked(10_000));
                RunningProxy proxy = RunningProxy.start(config(backend));
                RawClient raw = RawClient.connect(proxy.address())) {
            raw.get("/stream");
            RawClient.Head head = raw.readHead();

            RawClient.Body body = raw.readBody(head, (offset, data, from, length) -> {});

            assertThat(head.chunked()).isTrue();
            assertThat(body.complete()).as("ended with the zero-length chunk").isFalse();
            assertThat(body.bytes()).isLessThanOrEqualTo(10_000);
        }
    }

    @Test
    void backendSlowerThanResponseHeaderTimeout_gets504WithoutDetails() throws Exception {
        try (TestBackend backend =
                        TestBackend.start(
                                "slow",
                                (r, reply) -> reply.later(5_000, () -> reply.text(200, "late")));
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.address())
                                        .timeouts(
                                                new UpstreamTimeouts(
                                                        Duration.ofSeconds(5),
                                                        Duration.ofMillis(300),
                                                        Duration.ofSeconds(60)))
                                        .build())) {

            HttpResponse<String> response = get(proxy, "/slow");

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(backend.requests()).hasSize(1);
            assertDisclosesNothing(response, backend.address());
        }
    }

    @Test
    void noBackendAvailable_gets503WithRetryAfter() throws Exception {
        try (TestBackend backend = TestBackend.start("resting");
                RunningProxy proxy = RunningProxy.start(config(backend))) {
            for (Backend each :
                    Objects.requireNonNull(proxy.server().upstreams().get("app")).backends()) {
                each.setAvailable(false);
            }

            HttpResponse<String> response = get(proxy, "/any");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("retry-after")).isPresent();
            assertThat(backend.receivedHeads()).isZero();
            assertDisclosesNothing(response, backend.address());
        }
    }

    @Test
    void backendRefusingConnections_gets502WithoutAddressOrException() throws Exception {
        InetSocketAddress nothing = RetryIT.portWithNothingListening();
        try (RunningProxy proxy =
                RunningProxy.start(TestConfigs.builder().backend(nothing).retries(0).build())) {

            HttpResponse<String> response = get(proxy, "/any");

            assertThat(response.statusCode()).isEqualTo(502);
            assertDisclosesNothing(response, nothing);
        }
    }

    @Test
    void backendDroppingConnections_gets502WithoutAddressOrException() throws Exception {
        try (TestBackend backend = TestBackend.start("dropping", (r, reply) -> reply.drop());
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.address())
                                        .retries(0)
                                        .build())) {

            HttpResponse<String> response = get(proxy, "/any");

            assertThat(response.statusCode()).isEqualTo(502);
            assertDisclosesNothing(response, backend.address());
        }
    }

    private HttpResponse<String> get(RunningProxy proxy, String path) throws Exception {
        // A fixed request id, so that no random digits in the answer can look like a port.
        return client.send(
                HttpRequest.newBuilder(proxy.uri(path))
                        .header("X-Request-Id", "failure-test")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ProxyConfig config(TestBackend backend) {
        return TestConfigs.builder().backend(backend.address()).build();
    }

    /** Neither the body nor a header names the backend or an exception. */
    private static void assertDisclosesNothing(
            HttpResponse<String> response, InetSocketAddress backend) {
        String everything = response.body() + " " + headerText(response.headers());
        assertThat(everything)
                .doesNotContain("127.0.0.1")
                .doesNotContain(String.valueOf(backend.getPort()))
                .doesNotContainIgnoringCase("exception")
                .doesNotContainIgnoringCase("refused")
                .doesNotContainIgnoringCase("java")
                .doesNotContainIgnoringCase("netty");
    }

    private static String headerText(HttpHeaders headers) {
        StringBuilder text = new StringBuilder();
        headers.map().forEach((name, values) -> text.append(name).append(": ").append(values));
        return text.toString();
    }
}
