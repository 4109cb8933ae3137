package dev.portcullis.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.config.TransportChoice;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.testing.GeneratedBody;
import dev.portcullis.testing.LeakTracking;
import dev.portcullis.testing.RawClient;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import io.netty.channel.epoll.Epoll;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter contract over real sockets: a filter's answer replaces the backend's, a later verdict
 * holds the request until it comes (or its timeout verdict applies), a body filter sees a bounded
 * prefix while the whole body still reaches the backend, report-only mode only counts, and a client
 * that leaves while a verdict is pending leaves nothing behind.
 */
class FilterChainIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void blockingFilter_answers403ForItsPrefix_andBackendSeesNothingOfThose() throws Exception {
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(new PrefixBlockingFilter("/admin")))) {

            HttpResponse<String> blocked = get(proxy, "/admin/users");
            HttpResponse<String> blockedPost = post(proxy, "/admin/delete", "everything");
            HttpResponse<String> passed = get(proxy, "/public");

            assertThat(blocked.statusCode()).isEqualTo(403);
            assertThat(blockedPost.statusCode()).isEqualTo(403);
            assertThat(passed.statusCode()).isEqualTo(200);
            assertThat(passed.body()).isEqualTo("app");
            assertThat(backend.receivedHeads()).isEqualTo(1);
            assertThat(backend.requests())
                    .extracting(TestBackend.Recorded::uri)
                    .containsExactly("/public");
        }
    }

    @Test
    void delayedVerdict_holdsRequestUntilItCompletes_thenForwardsIt() throws Exception {
        AtomicLong arrivedNanos = new AtomicLong();
        try (DelayedFilter delayed =
                        new DelayedFilter(Duration.ofMillis(300), Duration.ofSeconds(5));
                TestBackend backend =
                        TestBackend.start(
                                "app",
                                (request, reply) -> {
                                    arrivedNanos.set(System.nanoTime());
                                    reply.text(200, "app");
                                });
                RunningProxy proxy = start(backend, enforced(delayed))) {
            long sentNanos = System.nanoTime();

            HttpResponse<String> response = post(proxy, "/held", "a body that waits too");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(delayed.completed()).isEqualTo(1);
            assertThat(arrivedNanos.get()).isGreaterThanOrEqualTo(delayed.lastCompletedNanos());
            assertThat(Duration.ofNanos(arrivedNanos.get() - sentNanos))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.uri()).isEqualTo("/held");
                                assertThat(r.bodyLength())
                                        .isEqualTo("a body that waits too".length());
                            });
        }
    }

    @Test
    void delayedVerdict_slowerThanItsTimeout_getsTheTimeoutVerdict() throws Exception {
        try (DelayedFilter delayed =
                        new DelayedFilter(Duration.ofSeconds(30), Duration.ofMillis(200));
                TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(delayed))) {

            HttpResponse<String> response = get(proxy, "/slow-decision");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("Decision timed out\n");
            assertThat(delayed.completed()).isZero();
            assertThat(backend.receivedHeads()).isZero();
        }
    }

    @Test
    void laterVerdict_alreadyComplete_forwardsTheRequest() throws Exception {
        try (DelayedFilter immediate = new DelayedFilter(Duration.ZERO, Duration.ofSeconds(5));
                TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(immediate))) {

            HttpResponse<String> response = post(proxy, "/at-once", "decided already");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.uri()).isEqualTo("/at-once");
                                assertThat(r.bodyLength()).isEqualTo("decided already".length());
                            });
        }
    }

    @Test
    void delayedVerdict_thatAnswers_isSentInsteadOfForwarding() throws Exception {
        try (DelayedFilter delayed =
                        new DelayedFilter(
                                Duration.ofMillis(100),
                                Duration.ofSeconds(5),
                                DelayedFilter.Outcome.RESPOND);
                TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(delayed))) {

            HttpResponse<String> response = post(proxy, "/limited", "not today");

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.body()).isEqualTo("Decided later: too many\n");
            assertThat(backend.receivedHeads()).isZero();
        }
    }

    @Test
    void delayedVerdict_thatFails_getsTheTimeoutVerdict() throws Exception {
        try (DelayedFilter delayed =
                        new DelayedFilter(
                                Duration.ofMillis(100),
                                Duration.ofSeconds(5),
                                DelayedFilter.Outcome.FAIL);
                TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(delayed))) {

            HttpResponse<String> response = get(proxy, "/store-down");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("Decision timed out\n");
            assertThat(backend.receivedHeads()).isZero();
        }
    }

    @ParameterizedTest(name = "chunked={0}")
    @ValueSource(booleans = {false, true})
    void bodyFilter_seesExactlyItsPrefix_andWholeBodyStillStreamsToBackend(boolean chunked)
            throws Exception {
        BodyPrefixFilter inspector = new BodyPrefixFilter(1024, "FORBIDDEN");
        GeneratedBody body = GeneratedBody.of(5 * 1024 * 1024);
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(inspector))) {

            HttpResponse<String> response =
                    client.send(
                            HttpRequest.newBuilder(proxy.uri("/upload"))
                                    .POST(
                                            chunked
                                                    ? HttpRequest.BodyPublishers.fromPublisher(body)
                                                    : HttpRequest.BodyPublishers.fromPublisher(
                                                            body, body.length()))
                                    .timeout(WAIT)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(inspector.seen())
                    .singleElement()
                    .satisfies(
                            seen -> {
                                assertThat(seen.prefix()).isEqualTo(GeneratedBody.prefix(1024));
                                assertThat(seen.complete()).isFalse();
                            });
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.bodyLength()).isEqualTo(body.length());
                                assertThat(r.headers().contains("transfer-encoding"))
                                        .isEqualTo(chunked);
                            });
            assertThat(backend.bodyChecksums()).containsExactly(body.checksum());
        }
    }

    @Test
    void bodyFilter_givenBodyShorterThanItsPrefix_seesAllOfItAsComplete() throws Exception {
        BodyPrefixFilter inspector = new BodyPrefixFilter(1024, "FORBIDDEN");
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(inspector))) {

            HttpResponse<String> response = post(proxy, "/short", "just a few words");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(inspector.seen())
                    .singleElement()
                    .satisfies(
                            seen -> {
                                assertThat(new String(seen.prefix(), StandardCharsets.UTF_8))
                                        .isEqualTo("just a few words");
                                assertThat(seen.complete()).isTrue();
                            });
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            r -> assertThat(r.bodyLength()).isEqualTo("just a few words".length()));
        }
    }

    @Test
    void bodyFilter_blocksOnWordInPrefix_butCannotSeePastIt() throws Exception {
        BodyPrefixFilter inspector = new BodyPrefixFilter(1024, "FORBIDDEN");
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(inspector))) {

            HttpResponse<String> early = post(proxy, "/early", bodyWithWordAt(500, 4096));
            HttpResponse<String> late = post(proxy, "/late", bodyWithWordAt(2000, 4096));

            assertThat(early.statusCode()).isEqualTo(403);
            assertThat(late.statusCode()).isEqualTo(200);
            assertThat(inspector.seen())
                    .extracting(seen -> seen.prefix().length)
                    .containsExactly(1024, 1024);
            assertThat(backend.requests())
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.uri()).isEqualTo("/late");
                                assertThat(r.bodyLength()).isEqualTo(4096);
                            });
        }
    }

    @Test
    void reportOnlyFilter_thatWouldBlock_passesRequest_andCountsWouldBlock() throws Exception {
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy =
                        start(
                                backend,
                                new FilterChain.Entry(
                                        new PrefixBlockingFilter("/"), FilterMode.REPORT_ONLY))) {

            HttpResponse<String> response = get(proxy, "/anything");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(backend.requests()).hasSize(1);
            assertThat(decisions(proxy, "would_block")).isEqualTo(1);
            assertThat(decisions(proxy, "block")).isZero();
        }
    }

    @Test
    void clientLeavingWhileBodyPrefixIsCollected_leaksNothing_andBackendSeesNothing()
            throws Exception {
        BodyPrefixFilter inspector = new BodyPrefixFilter(1024, "FORBIDDEN");
        try (TestBackend backend = TestBackend.start("app");
                RunningProxy proxy = start(backend, enforced(inspector))) {
            try (RawClient raw = RawClient.connect(proxy.address())) {
                // 100 of the 4096 bytes announced: the filter waits for its 1024.
                raw.write(
                        "POST /partial HTTP/1.1\r\n"
                                + "Host: localhost\r\n"
                                + "Content-Length: 4096\r\n\r\n");
                raw.write("z".repeat(100));
                await().atMost(WAIT).until(() -> proxy.server().openConnections() == 1);
            }

            await().atMost(WAIT).until(() -> proxy.server().openConnections() == 0);

            assertThat(inspector.seen()).isEmpty();
            assertThat(backend.receivedHeads()).isZero();
            assertThat(LeakTracking.collectReports()).as("Netty resource leaks").isEmpty();
        }
    }

    @Test
    void clientLeavingWhileVerdictPending_leaksNothing_andRequestNeverReachesBackend()
            throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll loads here");
        assertClientLeavingWhileVerdictPendingLeavesNoTrace(TransportChoice.EPOLL);
    }

    @Test
    void clientLeavingWhileVerdictPending_onNio_requestNeverReachesBackend() throws Exception {
        assertClientLeavingWhileVerdictPendingLeavesNoTrace(TransportChoice.NIO);
    }

    /**
     * A client sends a whole POST and closes while a later verdict is pending; nothing of it may
     * reach the backend, and its connection and buffers must all be gone.
     */
    private static void assertClientLeavingWhileVerdictPendingLeavesNoTrace(
            TransportChoice transport) throws Exception {
        try (DelayedFilter delayed =
                        new DelayedFilter(Duration.ofMillis(500), Duration.ofSeconds(5));
                TestBackend backend = TestBackend.start("app");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .transport(transport)
                                        .backend(backend.address())
                                        .build(),
                                List.of(enforced(delayed)))) {
            byte[] body = new byte[8192];
            Arrays.fill(body, (byte) 'x');
            try (RawClient raw = RawClient.connect(proxy.address())) {
                raw.write(
                        "POST /abandoned HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                                + body.length
                                + "\r\n\r\n");
                raw.write(body);
                await().atMost(WAIT).until(() -> delayed.started() == 1);
                assertThat(proxy.server().openConnections()).isEqualTo(1);
            }

            await().atMost(WAIT).until(() -> proxy.server().openConnections() == 0);
            await().atMost(WAIT).until(() -> delayed.completed() == 1);
            // Whatever the late verdict would have set off has had time to happen.
            await().during(Duration.ofMillis(300))
                    .atMost(WAIT)
                    .until(() -> backend.receivedHeads() == 0);
            assertThat(LeakTracking.collectReports()).as("Netty resource leaks").isEmpty();
        }
    }

    private static FilterChain.Entry enforced(Filter filter) {
        return new FilterChain.Entry(filter, FilterMode.ENFORCE);
    }

    private static RunningProxy start(TestBackend backend, FilterChain.Entry entry)
            throws Exception {
        return RunningProxy.start(
                TestConfigs.builder().backend(backend.address()).build(), List.of(entry));
    }

    private static double decisions(RunningProxy proxy, String outcome) {
        return proxy.count(
                MeterNames.FILTER_DECISIONS,
                MeterNames.TAG_FILTER,
                PrefixBlockingFilter.NAME,
                MeterNames.TAG_OUTCOME,
                outcome);
    }

    private static String bodyWithWordAt(int offset, int length) {
        StringBuilder text = new StringBuilder("y".repeat(length));
        text.replace(offset, offset + "FORBIDDEN".length(), "FORBIDDEN");
        return text.toString();
    }

    private HttpResponse<String> get(RunningProxy proxy, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(proxy.uri(path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(RunningProxy proxy, String path, String body)
            throws Exception {
        return client.send(
                HttpRequest.newBuilder(proxy.uri(path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
