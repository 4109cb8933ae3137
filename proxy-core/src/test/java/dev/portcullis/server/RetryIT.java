package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.config.TransportChoice;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failed attempts are retried only where that is safe (RFC 9110 §9.2.2): always when the request
 * reached no backend, for idempotent methods when nothing of the answer arrived, never beyond the
 * configured retries.
 */
class RetryIT {

    private static final int REQUESTS = 20;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "DELETE"})
    void backendRefusingConnections_besideHealthyOne_everyRequestSucceeds(String method)
            throws Exception {
        try (TestBackend healthy = TestBackend.start("healthy");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(portWithNothingListening())
                                        .backend(healthy.address())
                                        .build())) {

            Map<Integer, Integer> statuses = new HashMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                statuses.merge(send(proxy, method, "/refused/" + i).statusCode(), 1, Integer::sum);
            }

            assertThat(statuses).containsExactly(Map.entry(200, REQUESTS));
            assertThat(healthy.requests()).hasSize(REQUESTS);
            // The balancer did send requests to the dead backend first.
            assertThat(proxy.count(MeterNames.UPSTREAM_FAILURES, MeterNames.TAG_KIND, "connect"))
                    .isGreaterThan(0);
        }
    }

    @Test
    void backendDroppingConnections_getsAreRetriedOnTheOther_andSucceed() throws Exception {
        try (TestBackend dropping = TestBackend.start("dropping", (r, reply) -> reply.drop());
                TestBackend healthy = TestBackend.start("healthy");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(dropping.address())
                                        .backend(healthy.address())
                                        .build())) {

            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> response = send(proxy, "GET", "/get/" + i);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("healthy");
            }

            assertThat(dropping.requests()).isNotEmpty();
            assertThat(healthy.requests()).hasSize(REQUESTS);
        }
    }

    @Test
    void backendDroppingConnections_postsAreNeverSentTwice_andThoseDroppedGet502()
            throws Exception {
        try (TestBackend dropping = TestBackend.start("dropping", (r, reply) -> reply.drop());
                TestBackend healthy = TestBackend.start("healthy");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(dropping.address())
                                        .backend(healthy.address())
                                        .build())) {

            Map<String, Integer> statusByPath = new HashMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                String path = "/post/" + i;
                statusByPath.put(path, send(proxy, "POST", path).statusCode());
            }

            Map<String, Integer> arrivals = new HashMap<>();
            dropping.requests().forEach(r -> arrivals.merge(r.uri(), 1, Integer::sum));
            healthy.requests().forEach(r -> arrivals.merge(r.uri(), 1, Integer::sum));
            assertThat(dropping.requests()).isNotEmpty();
            assertThat(arrivals.values()).as("times each POST was sent").containsOnly(1);
            for (TestBackend.Recorded dropped : dropping.requests()) {
                assertThat(statusByPath.get(dropped.uri())).as(dropped.uri()).isEqualTo(502);
            }
            for (TestBackend.Recorded answered : healthy.requests()) {
                assertThat(statusByPath.get(answered.uri())).as(answered.uri()).isEqualTo(200);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TransportChoice.class,
            names = {"EPOLL", "NIO"})
    void pooledConnectionClosedByBackendWhileIdle_isNotUsed_soEvenAPostSucceeds(
            TransportChoice transport) throws Exception {
        assumeTrue(transport != TransportChoice.EPOLL || Epoll.isAvailable(), "epoll loads here");
        // The backend's keep-alive timeout is 50 ms.
        try (TestBackend backend =
                        TestBackend.start(
                                "brief",
                                (request, reply) -> {
                                    reply.text(200, "brief");
                                    reply.closeLater(50);
                                });
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .transport(transport)
                                        .backend(backend.address())
                                        .build())) {
            assertThat(send(proxy, "POST", "/first").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.closedConnections() == 1);

            HttpResponse<String> second = send(proxy, "POST", "/second");

            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(backend.acceptedConnections()).isEqualTo(2);
            assertThat(backend.requests())
                    .extracting(TestBackend.Recorded::uri)
                    .containsExactly("/first", "/second");
        }
    }

    @Test
    void zeroRetries_backendDroppingConnections_idempotentRequestsGet502() throws Exception {
        try (TestBackend dropping = TestBackend.start("dropping", (r, reply) -> reply.drop());
                TestBackend healthy = TestBackend.start("healthy");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .retries(0)
                                        .backend(dropping.address())
                                        .backend(healthy.address())
                                        .build())) {

            Map<Integer, Integer> statuses = new HashMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                statuses.merge(send(proxy, "GET", "/get/" + i).statusCode(), 1, Integer::sum);
            }

            assertThat(dropping.requests()).isNotEmpty();
            assertThat(statuses)
                    .containsOnlyKeys(200, 502)
                    .containsEntry(502, dropping.requests().size())
                    .containsEntry(200, healthy.requests().size());
            assertThat(dropping.requests().size() + healthy.requests().size()).isEqualTo(REQUESTS);
        }
    }

    private HttpResponse<String> send(RunningProxy proxy, String method, String path)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body =
                method.equals("GET")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("payload for " + path);
        return client.send(
                HttpRequest.newBuilder(proxy.uri(path))
                        .method(method, body)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A port on 127.0.0.1 that was free a moment ago: connecting to it is refused. */
    static InetSocketAddress portWithNothingListening() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
    }
}
