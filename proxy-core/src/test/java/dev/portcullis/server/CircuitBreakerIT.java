package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.CircuitBreakerConfig;
import dev.portcullis.testing.Figures;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.upstream.Backend;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests beyond a backend's {@code circuit_breaker.max_connections} fail fast with 503 instead of
 * queueing behind a slow backend, and a request that finds no healthy backend gets 503 with {@code
 * Retry-After}.
 */
class CircuitBreakerIT {

    private static final long SLOW_MILLIS = 2000;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A response and how long it took. */
    private record Timed(int status, long millis, HttpResponse<String> response) {}

    @Test
    void maxConnections2_fiveConcurrentRequestsToSlowBackend_twoReachItAndThreeGet503Fast()
            throws Exception {
        try (TestBackend slow =
                        TestBackend.start(
                                "slow",
                                (request, reply) ->
                                        reply.later(SLOW_MILLIS, () -> reply.text(200, "slow")));
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(slow.address())
                                        .circuitBreaker(new CircuitBreakerConfig(2, 1024))
                                        .build())) {

            List<CompletableFuture<Timed>> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(timed(proxy, "/concurrent/" + i));
            }
            List<Timed> answers = new ArrayList<>();
            for (CompletableFuture<Timed> answer : sent) {
                answers.add(answer.get(10, TimeUnit.SECONDS));
            }

            List<Timed> refused = answers.stream().filter(t -> t.status() == 503).toList();
            assertThat(answers).extracting(Timed::status).containsOnly(200, 503);
            assertThat(answers.stream().filter(t -> t.status() == 200)).hasSize(2);
            assertThat(refused).hasSize(3);
            assertThat(refused).allSatisfy(t -> assertThat(t.millis()).isLessThan(SLOW_MILLIS / 2));
            assertThat(slow.receivedHeads()).isEqualTo(2);
            assertThat(slow.acceptedConnections()).isEqualTo(2);
            Figures.record(
                    "circuit-breaker max_connections=2 concurrent=5 reached_backend="
                            + slow.receivedHeads()
                            + " refused_503="
                            + refused.size()
                            + " slowest_503="
                            + refused.stream().mapToLong(Timed::millis).max().orElse(0)
                            + "ms backend_delay="
                            + SLOW_MILLIS
                            + "ms");
        }
    }

    @Test
    void noBackendHealthy_request_gets503WithRetryAfterAndReachesNoBackend() throws Exception {
        try (TestBackend failingChecks =
                        TestBackend.start(
                                "unhealthy",
                                (request, reply) ->
                                        reply.text(
                                                request.uri().equals("/healthz") ? 500 : 200,
                                                "unhealthy"));
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(failingChecks.address())
                                        .healthCheck(
                                                TestConfigs.httpCheck(
                                                        "/healthz", Duration.ofMillis(200), 2, 2))
                                        .build())) {
            Backend backend = proxy.backend("app", failingChecks.address().getPort());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.status(backend).lastCheck() != null);

            HttpResponse<String> response =
                    timed(proxy, "/app").get(10, TimeUnit.SECONDS).response();

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("retry-after")).isPresent();
            assertThat(failingChecks.requests())
                    .extracting(TestBackend.Recorded::uri)
                    .containsOnly("/healthz");
        }
    }

    private CompletableFuture<Timed> timed(RunningProxy proxy, String path) {
        long start = System.nanoTime();
        return client.sendAsync(
                        HttpRequest.newBuilder(proxy.uri(path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(
                        response ->
                                new Timed(
                                        response.statusCode(),
                                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                                        response));
    }
}
