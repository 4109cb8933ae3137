package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.PoolConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Backend connections are pooled and reused, and what a backend does to them never shows. */
class ConnectionReuseIT {

    private static final int REQUESTS = 100;

    @Test
    void sequentialRequests_onOneClientConnection_shareOneBackendConnection() throws Exception {
        try (TestBackend backend = TestBackend.start("one");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.address()).build())) {

            List<Integer> statuses = sendSequentially(proxy);

            assertThat(statuses).hasSize(REQUESTS).containsOnly(200);
            assertThat(proxy.count(MeterNames.CONNECTIONS)).isEqualTo(1);
            assertThat(backend.acceptedConnections()).isEqualTo(1);
            assertThat(backend.requests()).hasSize(REQUESTS);
        }
    }

    @Test
    void poolKeepingNoIdleConnections_opensOneBackendConnectionPerRequest() throws Exception {
        try (TestBackend backend = TestBackend.start("one");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(backend.address())
                                        .pool(new PoolConfig(0, Duration.ofSeconds(15)))
                                        .build())) {

            List<Integer> statuses = sendSequentially(proxy);

            assertThat(statuses).hasSize(REQUESTS).containsOnly(200);
            assertThat(proxy.count(MeterNames.CONNECTIONS)).isEqualTo(1);
            assertThat(backend.acceptedConnections()).isEqualTo(REQUESTS);
        }
    }

    @Test
    void backendClosingAfterEachResponse_answersEveryRequest_onOneClientConnection()
            throws Exception {
        try (TestBackend backend =
                        TestBackend.start(
                                "closing", (request, reply) -> reply.textAndClose(200, "closing"));
                RunningProxy proxy = RunningProxy.start(config(backend))) {

            List<Integer> statuses = sendSequentially(proxy);

            assertThat(statuses).hasSize(REQUESTS).containsOnly(200);
            assertThat(proxy.count(MeterNames.CONNECTIONS)).isEqualTo(1);
            assertThat(backend.acceptedConnections()).isEqualTo(REQUESTS);
        }
    }

    @Test
    void backendClosingIdleConnectionsWithinMilliseconds_answersEveryRequest() throws Exception {
        // A keep-alive timeout of 0 to 2 ms: the close races with the next request.
        try (TestBackend backend =
                        TestBackend.start(
                                "impatient",
                                (request, reply) -> {
                                    reply.text(200, "impatient");
                                    reply.closeLater(request.connection() % 3);
                                });
                RunningProxy proxy = RunningProxy.start(config(backend))) {

            List<Integer> statuses = sendSequentially(proxy);

            assertThat(statuses).hasSize(REQUESTS).containsOnly(200);
            assertThat(proxy.count(MeterNames.CONNECTIONS)).isEqualTo(1);
            assertThat(backend.acceptedConnections()).isGreaterThan(1);
        }
    }

    private static ProxyConfig config(TestBackend backend) {
        return TestConfigs.builder().backend(backend.address()).build();
    }

    /** Sends the requests one after another on one client connection; returns their statuses. */
    private static List<Integer> sendSequentially(RunningProxy proxy) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> response =
                    client.send(
                            HttpRequest.newBuilder(proxy.uri("/item/" + i))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            statuses.add(response.statusCode());
        }
        return statuses;
    }
}
