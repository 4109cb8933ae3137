package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests pipelined on one client connection (RFC 9112 §9.3.2): they are answered in the order
 * they were sent, each with its own body, and a client that half-closes after its last request
 * still receives every response.
 */
class PipeliningIT {

    private static final String HOST = "Host: portcullis.test\r\n";

    private TestBackend backend;
    private RunningProxy proxy;

    @BeforeEach
    void startProxy() throws Exception {
        // Answers with the target and the body length, and answers the earlier requests later,
        // so that any reordering on the way would show.
        backend =
                TestBackend.start(
                        "origin",
                        (request, reply) -> {
                            String answer = request.uri() + ":" + request.bodyLength();
                            reply.later(delayFor(request.uri()), () -> reply.text(200, answer));
                        });
        proxy = RunningProxy.start(TestConfigs.builder().backend(backend.address()).build());
    }

    private static long delayFor(String uri) {
        String digits = uri.replaceAll("\\D", "");
        return digits.isEmpty() ? 0 : Math.max(0, 50 - 5L * Integer.parseInt(digits));
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
        backend.close();
    }

    @Test
    void tenGets_pipelinedInOneWrite_answeredInOrderOnOneConnection() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            requests.append("GET /").append(i).append(" HTTP/1.1\r\n").append(HOST).append("\r\n");
        }
        List<String> bodies = new ArrayList<>();

        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            connection.send(requests.toString());
            for (int i = 1; i <= 10; i++) {
                RawResponse response = connection.readResponse();
                assertThat(response.status()).isEqualTo(200);
                bodies.add(response.bodyText());
            }
        }

        assertThat(bodies)
                .containsExactly(
                        "/1:0", "/2:0", "/3:0", "/4:0", "/5:0", "/6:0", "/7:0", "/8:0", "/9:0",
                        "/10:0");
        assertThat(backend.requests()).extracting(TestBackend.Recorded::uri).hasSize(10);
    }

    @Test
    void postsWithBodies_pipelinedInOneWrite_eachBodyReachesBackendWhole() throws Exception {
        String requestLookingBody = "GET /not-a-request HTTP/1.1\r\n" + HOST + "\r\n";
        String requests =
                post("/1", "Content-Length: 5\r\n", "hello")
                        + post(
                                "/2",
                                "Transfer-Encoding: chunked\r\n",
                                "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")
                        + post(
                                "/3",
                                "Content-Length: " + requestLookingBody.length() + "\r\n",
                                requestLookingBody)
                        + post("/4", "Content-Length: 0\r\n", "")
                        + post("/5", "Transfer-Encoding: chunked\r\n", "1\r\nz\r\n0\r\n\r\n");
        List<String> bodies = new ArrayList<>();

        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            connection.send(requests);
            for (int i = 1; i <= 5; i++) {
                bodies.add(connection.readResponse().bodyText());
            }
        }

        assertThat(bodies)
                .containsExactly(
                        "/1:5", "/2:7", "/3:" + requestLookingBody.length(), "/4:0", "/5:1");
        assertThat(backend.requests())
                .extracting(TestBackend.Recorded::uri)
                .containsExactly("/1", "/2", "/3", "/4", "/5");
    }

    @Test
    void pipelinedRequests_thenClientHalfCloses_allAnsweredThenClosed() throws Exception {
        String requests =
                "GET /1 HTTP/1.1\r\n" + HOST + "\r\n" + "GET /2 HTTP/1.1\r\n" + HOST + "\r\n";
        RawResponse first;
        RawResponse second;
        boolean closed;

        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            connection.send(requests).shutdownOutput();
            first = connection.readResponse();
            second = connection.readResponse();
            closed = connection.closedByPeer();
        }

        assertThat(first.bodyText()).isEqualTo("/1:0");
        assertThat(second.bodyText()).isEqualTo("/2:0");
        assertThat(closed).as("closed by the proxy after the last response").isTrue();
    }

    private static String post(String path, String framing, String body) {
        return "POST " + path + " HTTP/1.1\r\n" + HOST + framing + "\r\n" + body;
    }
}
