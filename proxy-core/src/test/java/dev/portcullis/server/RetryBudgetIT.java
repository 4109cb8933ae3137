package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.AccessLogFormat;
import dev.portcullis.config.OutlierConfig;
import dev.portcullis.config.RetryBudgetConfig;
import dev.portcullis.config.UpstreamTimeouts;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.testing.Figures;
import dev.portcullis.testing.LoadLoop;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retry budget caps retries at a share of the recent requests, with a floor of {@code
 * min_per_second} on average over its ten-second window, and a request that is not idempotent
 * reaches a backend at most once, whatever way the backend fails.
 */
class RetryBudgetIT {

    /** Outlier detection off: the failing backend keeps its share of the traffic. */
    private static final OutlierConfig NO_EJECTION =
            new OutlierConfig(0, 0, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void percent0MinPerSecond1_droppingBackend_getsOnlyTheFloorOfRetries() throws Exception {
        try (TestBackend dropping = TestBackend.start("dropping", (r, reply) -> reply.drop());
                TestBackend healthy = TestBackend.start("healthy");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(dropping.address())
                                        .backend(healthy.address())
                                        .retries(1)
                                        .retryBudget(new RetryBudgetConfig(0, 1))
                                        .outlier(NO_EJECTION)
                                        .accessLog(AccessLogFormat.OFF)
                                        .build())) {
            long startSecond = second(System.nanoTime());
            LoadLoop load = LoadLoop.start(proxy.address(), 2, Duration.ofMillis(2500), 20_000);
            await().atMost(Duration.ofSeconds(15)).until(load::isFinished);
            long seconds = second(System.nanoTime()) - startSecond + 1;

            Set<String> reachedHealthy =
                    healthy.requests().stream()
                            .map(TestBackend.Recorded::uri)
                            .collect(Collectors.toSet());
            Set<String> reachedDropping =
                    dropping.requests().stream()
                            .map(TestBackend.Recorded::uri)
                            .collect(Collectors.toSet());
            Map<Long, Integer> retriedPerSecond = new TreeMap<>();
            long retried = 0;
            for (LoadLoop.Sample sample : load.samples()) {
                if (reachedDropping.contains(sample.path())
                        && reachedHealthy.contains(sample.path())) {
                    retried++;
                    retriedPerSecond.merge(second(sample.sentNanos()), 1, Integer::sum);
                }
            }
            long dropped = dropping.requests().size();
            Figures.record(
                    "retry-budget percent=0 min_per_second=1 requests="
                            + load.total()
                            + " dropped="
                            + dropped
                            + " retried="
                            + retried
                            + " seconds="
                            + seconds
                            + " per_second="
                            + retriedPerSecond.values());
            assertThat(dropped).as("requests the dropping backend took").isGreaterThan(2 * seconds);
            // The floor is counted over the budget's ten-second window: min_per_second × 10 may
            // go at once after a quiet spell, and no more until those seconds leave the window.
            long window = 10;
            long floor = window * ((seconds + window - 1) / window);
            assertThat(retried).isPositive().isLessThanOrEqualTo(floor);
            assertThat(proxy.count(MeterNames.UPSTREAM_RETRIES)).isEqualTo((double) retried);
            assertThat(load.samples(s -> s.status() == 502)).hasSize((int) (dropped - retried));
        }
    }

    /** Ways a backend fails a request; the proxy must never send a POST twice for any of them. */
    enum Failure {
        DROP_BEFORE_ANSWER,
        RESET_BEFORE_ANSWER,
        TRUNCATED_ANSWER,
        ANSWER_500,
        NO_ANSWER_IN_TIME,
        CLOSE_RIGHT_AFTER_ANSWER,
        REFUSE_CONNECTIONS
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void postWithBody_backendFailing_isNeverSentTwice(Failure failure) throws Exception {
        try (TestBackend failing = TestBackend.start("failing", responder(failure));
                TestBackend healthy = TestBackend.start("healthy");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(
                                                failure == Failure.REFUSE_CONNECTIONS
                                                        ? portWithNothingListening()
                                                        : failing.address())
                                        .backend(healthy.address())
                                        .retries(3)
                                        .retryBudget(new RetryBudgetConfig(100, 100))
                                        .outlier(NO_EJECTION)
                                        .timeouts(
                                                new UpstreamTimeouts(
                                                        Duration.ofSeconds(2),
                                                        Duration.ofMillis(300),
                                                        Duration.ofSeconds(5)))
                                        .build())) {
            int requests = failure == Failure.NO_ANSWER_IN_TIME ? 6 : 16;
            Map<String, Integer> statusByPath = new HashMap<>();
            for (int i = 0; i < requests; i++) {
                String path = "/post/" + i;
                statusByPath.put(path, post(proxy, path));
            }

            Map<String, Integer> arrivals = new HashMap<>();
            failing.requests().forEach(r -> arrivals.merge(r.uri(), 1, Integer::sum));
            healthy.requests().forEach(r -> arrivals.merge(r.uri(), 1, Integer::sum));
            assertThat(arrivals.values()).as("times each POST reached a backend").containsOnly(1);
            if (failure == Failure.REFUSE_CONNECTIONS) {
                // Never reached the dead backend, so sent on to the other: every one succeeds.
                assertThat(statusByPath.values()).containsOnly(200);
                assertThat(arrivals).hasSize(requests);
            } else {
                assertThat(failing.requests()).as("POSTs the failing backend took").isNotEmpty();
            }
        }
    }

    private static TestBackend.Responder responder(Failure failure) {
        return switch (failure) {
            case DROP_BEFORE_ANSWER -> (request, reply) -> reply.drop();
            case RESET_BEFORE_ANSWER -> (request, reply) -> reply.reset();
            case TRUNCATED_ANSWER -> (request, reply) -> reply.truncated(1000, 10);
            case ANSWER_500 -> (request, reply) -> reply.text(500, "failing");
            case NO_ANSWER_IN_TIME ->
                    (request, reply) -> reply.later(1000, () -> reply.text(200, "late"));
            case CLOSE_RIGHT_AFTER_ANSWER ->
                    (request, reply) -> {
                        reply.text(200, "failing");
                        reply.closeLater(1);
                    };
            case REFUSE_CONNECTIONS -> (request, reply) -> reply.text(200, "unused");
        };
    }

    /** The status of a POST, or -1 when the response broke off (as a truncated one does). */
    private int post(RunningProxy proxy, String path) throws InterruptedException {
        try {
            return client.send(
                            HttpRequest.newBuilder(proxy.uri(path))
                                    .timeout(Duration.ofSeconds(10))
                                    .POST(HttpRequest.BodyPublishers.ofString("order=" + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long second(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    private static InetSocketAddress portWithNothingListening() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
    }
}
