package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ProxySmokeIT {

    @Test
    void get_throughProxy_reachesBackend() throws Exception {
        try (TestBackend backend = TestBackend.start("one");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder().backend(backend.address()).build())) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            HttpResponse<String> response =
                    client.send(
                            HttpRequest.newBuilder(proxy.uri("/hello")).build(),
                            HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> second =
                    client.send(
                            HttpRequest.newBuilder(proxy.uri("/again"))
                                    .POST(HttpRequest.BodyPublishers.ofString("abc"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("one");
            assertThat(second.body()).isEqualTo("one");
            assertThat(backend.requests()).hasSize(2);
            assertThat(backend.requests().get(1).bodyLength()).isEqualTo(3);
            assertThat(backend.acceptedConnections()).isEqualTo(1);
            assertThat(backend.requests().get(0).headers().get("x-forwarded-for"))
                    .isEqualTo("127.0.0.1");
        }
    }
}
