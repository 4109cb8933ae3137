package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.testing.GeneratedBody;
import dev.portcullis.testing.MemoryProbe;
import dev.portcullis.testing.RawClient;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Bodies far larger than any buffer stream through the proxy in both directions, its memory stays
 * flat while they do, and a client that stops reading stops the backend.
 */
class StreamingIT {

    private static final long MIB = 1024 * 1024;
    private static final long BODY = 64 * MIB;

    /** What the proxy may grow by while a body streams: a quarter of the body. */
    private static final long GROWTH_LIMIT = 16 * MIB;

    private static ProxyConfig config(TestBackend backend) {
        return TestConfigs.builder()
                .backend(backend.address())
                .limits(TestConfigs.limits(20_000, 200, ByteSize.ofMebibytes(256)))
                .build();
    }

    @Test
    void largeRequestBody_streamsToBackendIntact_whileProxyMemoryStaysFlat() throws Exception {
        try (TestBackend backend = TestBackend.start("sink");
                RunningProxy proxy = RunningProxy.start(config(backend))) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            warmUp(client, proxy);
            long heapBefore = MemoryProbe.usedHeapAfterGc();
            long directBefore = MemoryProbe.usedDirectMemory();
            GeneratedBody body = new GeneratedBody(BODY, BODY / 2);

            long heapHalfway;
            HttpResponse<String> response;
            try (MemoryProbe probe = MemoryProbe.start()) {
                CompletableFuture<HttpResponse<String>> pending =
                        client.sendAsync(
                                HttpRequest.newBuilder(proxy.uri("/upload"))
                                        .POST(
                                                HttpRequest.BodyPublishers.fromPublisher(
                                                        body, body.length()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(body.awaitPause(20, TimeUnit.SECONDS)).isTrue();
                // The first half reaches the backend before the second exists: nothing waits
                // in the proxy for the end of the body.
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> backend.receivedBodyBytes() == BODY / 2);
                heapHalfway = MemoryProbe.usedHeapAfterGc();
                body.resume();
                response = pending.get(60, TimeUnit.SECONDS);

                assertThat(probe.maxDirectMemory() - directBefore)
                        .as("direct memory growth while streaming")
                        .isLessThan(GROWTH_LIMIT);
            }

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(heapHalfway - heapBefore).as("heap growth halfway").isLessThan(GROWTH_LIMIT);
            assertThat(backend.requests()).hasSize(2);
            assertThat(backend.requests().get(1).bodyLength()).isEqualTo(BODY);
            assertThat(backend.bodyChecksums().get(1)).isEqualTo(body.checksum());
        }
    }

    @Test
    void largeResponseBody_streamsToClientIntact_whileProxyMemoryStaysFlat() throws Exception {
        try (TestBackend backend =
                        TestBackend.start(
                                "source", (request, reply) -> reply.streamPattern(BODY, false));
                RunningProxy proxy = RunningProxy.start(config(backend));
                RawClient client = RawClient.connect(proxy.address())) {
            long heapBefore = MemoryProbe.usedHeapAfterGc();
            long directBefore = MemoryProbe.usedDirectMemory();
            PatternCheck check = new PatternCheck();

            long heapHalfway;
            long received;
            try (MemoryProbe probe = MemoryProbe.start()) {
                client.get("/download");
                RawClient.Head head = client.readHead();
                assertThat(head.status()).isEqualTo(200);
                assertThat(head.contentLength()).isEqualTo(BODY);
                long firstHalf = client.readFixed(BODY / 2, check);
                heapHalfway = MemoryProbe.usedHeapAfterGc();
                received = firstHalf + client.readFixed(BODY / 2, check);

                assertThat(probe.maxDirectMemory() - directBefore)
                        .as("direct memory growth while streaming")
                        .isLessThan(GROWTH_LIMIT);
            }

            assertThat(received).isEqualTo(BODY);
            assertThat(check.mismatches()).isZero();
            assertThat(heapHalfway - heapBefore).as("heap growth halfway").isLessThan(GROWTH_LIMIT);
        }
    }

    @Test
    void stalledClient_stopsBackendUntilItReadsAgain_andGetsWholeBody() throws Exception {
        try (TestBackend backend =
                        TestBackend.start(
                                "source", (request, reply) -> reply.streamPattern(BODY, true));
                RunningProxy proxy = RunningProxy.start(config(backend));
                RawClient client = RawClient.connect(proxy.address(), null, 64 * 1024)) {
            long directBefore = MemoryProbe.usedDirectMemory();
            client.get("/download");
            RawClient.Head head = client.readHead();
            assertThat(head.chunked()).isTrue();

            try (MemoryProbe probe = MemoryProbe.start()) {
                // The client reads nothing now: the backend must soon be unable to write.
                await().atMost(Duration.ofSeconds(10)).until(() -> backend.blockedWrites() > 0);
                // ... and then stay stopped, well short of the end of the body.
                AtomicLong seen = new AtomicLong(-1);
                await().during(Duration.ofMillis(500))
                        .atMost(Duration.ofSeconds(10))
                        .until(
                                () -> {
                                    long now = backend.streamedBytes();
                                    return seen.getAndSet(now) == now;
                                });
                assertThat(seen.get()).isLessThan(BODY / 2);
                assertThat(probe.maxDirectMemory() - directBefore)
                        .as("direct memory growth while the client stalls")
                        .isLessThan(GROWTH_LIMIT);
            }
            PatternCheck check = new PatternCheck();
            RawClient.Body body = client.readBody(head, check);

            assertThat(body.complete()).isTrue();
            assertThat(body.bytes()).isEqualTo(BODY);
            assertThat(check.mismatches()).isZero();
        }
    }

    @Test
    void stalledBackend_stopsClientUploadUntilItReadsAgain_andGetsWholeBody() throws Exception {
        try (TestBackend backend = TestBackend.start("sink");
                RunningProxy proxy = RunningProxy.start(config(backend))) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            warmUp(client, proxy);
            long directBefore = MemoryProbe.usedDirectMemory();
            GeneratedBody body = GeneratedBody.of(BODY);
            backend.pauseReading();

            CompletableFuture<HttpResponse<String>> pending;
            try (MemoryProbe probe = MemoryProbe.start()) {
                pending =
                        client.sendAsync(
                                HttpRequest.newBuilder(proxy.uri("/upload"))
                                        .POST(
                                                HttpRequest.BodyPublishers.fromPublisher(
                                                        body, body.length()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                // The backend reads nothing: the client must soon be unable to send more, well
                // short of the end of the body.
                AtomicLong seen = new AtomicLong(-1);
                await().during(Duration.ofMillis(500))
                        .atMost(Duration.ofSeconds(10))
                        .until(
                                () -> {
                                    long now = body.produced();
                                    return now > 0 && seen.getAndSet(now) == now;
                                });
                assertThat(seen.get()).isLessThan(BODY / 2);
                assertThat(probe.maxDirectMemory() - directBefore)
                        .as("direct memory growth while the backend stalls")
                        .isLessThan(GROWTH_LIMIT);
            }
            backend.resumeReading();
            HttpResponse<String> response = pending.get(60, TimeUnit.SECONDS);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(backend.requests()).hasSize(2);
            assertThat(backend.requests().get(1).bodyLength()).isEqualTo(BODY);
            assertThat(backend.bodyChecksums().get(1)).isEqualTo(body.checksum());
        }
    }

    private static void warmUp(HttpClient client, RunningProxy proxy) throws Exception {
        HttpResponse<String> response =
                client.send(
                        HttpRequest.newBuilder(proxy.uri("/warm-up")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /**
     * Compares each byte of a body, read in one or more parts, with {@link TestBackend#patternByte}
     * at its position in the whole body.
     */
    private static final class PatternCheck implements RawClient.BodySink {
        private long position;
        private long mismatches;

        @Override
        public void accept(long offset, byte[] data, int from, int length) {
            for (int i = 0; i < length; i++) {
                if (data[from + i] != TestBackend.patternByte(position + i)) {
                    mismatches++;
                }
            }
            position += length;
        }

        long mismatches() {
            return mismatches;
        }
    }
}
