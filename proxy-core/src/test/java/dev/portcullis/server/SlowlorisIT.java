package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.LimitsConfig;
import dev.portcullis.config.unit.ByteSize;
import dev.portcullis.testing.RawHttpConnection;
import dev.portcullis.testing.RawResponse;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.testing.Trickle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The front end's timers against clients that hold connections without finishing requests: {@code
 * header_timeout} for a head that never completes (or never starts), {@code idle_timeout} for a
 * keep-alive connection that sends nothing more. Durations are measured with the clock and bounded
 * on both sides, so a timer that fires early fails as surely as one that never fires.
 */
class SlowlorisIT {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    /** How late a timer may fire and its close still count as caused by it. */
    private static final Duration LATE = Duration.ofSeconds(3);

    /** How early, at most, as the clock starts before the proxy sees the connection. */
    private static final Duration EARLY = Duration.ofMillis(100);

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: portcullis.test\r\n\r\n";

    private TestBackend backend;
    private RunningProxy proxy;

    @BeforeEach
    void startProxy() throws Exception {
        backend = TestBackend.start("origin");
        LimitsConfig limits =
                new LimitsConfig(
                        20_000,
                        200,
                        ByteSize.ofKibibytes(8),
                        ByteSize.ofKibibytes(16),
                        100,
                        ByteSize.ofMebibytes(1),
                        HEADER_TIMEOUT,
                        IDLE_TIMEOUT);
        proxy =
                RunningProxy.start(
                        TestConfigs.builder().limits(limits).backend(backend.address()).build());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
        backend.close();
    }

    @Test
    void tricklingHead_pastHeaderTimeout_answered408AndClosedWhileOthersAreServed()
            throws Exception {
        byte[] slowHead =
                ("GET /slow HTTP/1.1\r\nHost: portcullis.test\r\nX-Slow: "
                                + "a".repeat(100)
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        List<Integer> others = new ArrayList<>();
        RawResponse response;
        long othersDoneNanos;
        long answeredNanos;
        boolean closed;
        int trickled;
        long started = System.nanoTime();
        try (RawHttpConnection slow = RawHttpConnection.open(proxy.address());
                Trickle trickle = Trickle.start(slow, slowHead, Duration.ofMillis(200))) {
            await().atMost(Duration.ofSeconds(2)).until(() -> trickle.bytesSent() >= 2);

            for (int i = 0; i < 3; i++) {
                others.add(sendOnNewConnection(REQUEST).status());
            }
            othersDoneNanos = System.nanoTime();
            response = slow.readResponse();
            answeredNanos = System.nanoTime();
            closed = slow.closedByPeer();
            trickled = trickle.bytesSent();
        }

        assertThat(response.status()).isEqualTo(408);
        assertThat(closed).as("closed by the proxy").isTrue();
        assertThat(Duration.ofNanos(answeredNanos - started))
                .isBetween(HEADER_TIMEOUT.minus(EARLY), HEADER_TIMEOUT.plus(LATE));
        assertThat(trickled).as("bytes trickled").isLessThan(slowHead.length);
        assertThat(others).containsExactly(200, 200, 200);
        // Served within the slow head's timeout: while the slow connection was held open.
        assertThat(Duration.ofNanos(othersDoneNanos - started))
                .as("others served meanwhile")
                .isLessThan(HEADER_TIMEOUT);
        assertThat(backend.requests())
                .extracting(TestBackend.Recorded::uri)
                .containsOnly("/")
                .hasSize(3);
    }

    @Test
    void silentConnection_pastHeaderTimeout_closedWithoutResponse() throws Exception {
        byte[] received;
        long started = System.nanoTime();
        try (RawHttpConnection silent = RawHttpConnection.open(proxy.address())) {
            received = silent.readUntilClosed();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(received).isEmpty();
        assertThat(elapsed).isBetween(HEADER_TIMEOUT.minus(EARLY), HEADER_TIMEOUT.plus(LATE));
    }

    @Test
    void idleKeepAliveConnection_pastIdleTimeout_closedWithoutResponse() throws Exception {
        RawResponse first;
        byte[] received;
        long idleSince;
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            first = connection.send(REQUEST).readResponse();
            idleSince = System.nanoTime();
            received = connection.readUntilClosed();
        }
        Duration idle = Duration.ofNanos(System.nanoTime() - idleSince);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("connection")).isNull();
        assertThat(received).isEmpty();
        assertThat(idle).isBetween(IDLE_TIMEOUT.minus(EARLY), IDLE_TIMEOUT.plus(LATE));
    }

    @Test
    void slowBackend_pastHeaderTimeout_stillAnswered() throws Exception {
        backend.responder(
                (request, reply) ->
                        reply.later(
                                HEADER_TIMEOUT.toMillis() + 500, () -> reply.text(200, "late")));

        RawResponse response = sendOnNewConnection(REQUEST);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("late");
    }

    private RawResponse sendOnNewConnection(String request) throws IOException {
        try (RawHttpConnection connection = RawHttpConnection.open(proxy.address())) {
            return connection.send(request).readResponse();
        }
    }
}
