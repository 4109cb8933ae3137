package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.testing.Figures;
import dev.portcullis.testing.LoadLoop;
import dev.portcullis.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process, started as the README starts it: SIGTERM under load lets every accepted request
 * finish, refuses new connections, tells keep-alive clients {@code Connection: close} and exits
 * with 0 within {@code server.drain_timeout}; SIGHUP reloads the configuration file.
 */
class GracefulShutdownIT {

    private static final long BACKEND_DELAY_MILLIS = 1500;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(3);

    @Test
    void sigterm_underLoadWithRequestsInFlight_finishesThemAndExitsWithZero(@TempDir Path dir)
            throws Exception {
        try (TestBackend slow =
                TestBackend.start(
                        "slow",
                        (request, reply) ->
                                reply.later(BACKEND_DELAY_MILLIS, () -> reply.text(200, "slow")))) {
            Path config = dir.resolve("portcullis.yaml");
            PortcullisProcess.write(
                    config,
                    new ConfigText()
                            .drainTimeout(DRAIN_TIMEOUT.toSeconds() + "s")
                            .upstream("app", "", slow.address())
                            .route("/", "app")
                            .render());
            try (PortcullisProcess portcullis = PortcullisProcess.start(config)) {
                LoadLoop load =
                        LoadLoop.start(portcullis.proxy(), 6, Duration.ofSeconds(30), 10_000);
                try (Socket idle = idleKeepAliveConnection(portcullis.proxy())) {
                    await().atMost(Duration.ofSeconds(15))
                            .until(() -> load.total() >= 12 && slow.receivedHeads() >= 18);

                    // when: SIGTERM while requests are in flight
                    int inFlightAtSigterm = load.inFlight();
                    long sigtermAt = System.nanoTime();
                    portcullis.terminate();

                    // then: the listener closes at once while the in-flight requests go on
                    await().atMost(Duration.ofSeconds(2))
                            .pollInterval(Duration.ofMillis(10))
                            .until(() -> refused(portcullis.proxy()));
                    boolean drainingWhenRefused = portcullis.isAlive() && load.inFlight() > 0;
                    assertThat(closedByPeer(idle)).as("idle keep-alive connection closed").isTrue();
                    Optional<Integer> exit = portcullis.awaitExit(DRAIN_TIMEOUT.plus(EXIT_MARGIN));
                    long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermAt);
                    await().atMost(Duration.ofSeconds(15)).until(load::isFinished);

                    Set<String> accepted =
                            slow.requests().stream()
                                    .map(TestBackend.Recorded::uri)
                                    .collect(Collectors.toSet());
                    List<LoadLoop.Sample> acceptedAndFailed =
                            load.samples(
                                    s ->
                                            accepted.contains(s.path())
                                                    && s.kind() != LoadLoop.Kind.OK);
                    List<LoadLoop.Sample> inFlight =
                            load.samples(
                                    s -> s.sentNanos() < sigtermAt && s.doneNanos() > sigtermAt);
                    List<LoadLoop.Sample> refusedAfter =
                            load.samples(s -> s.kind() == LoadLoop.Kind.REFUSED);
                    List<LoadLoop.Sample> closedIdle =
                            load.samples(
                                    s ->
                                            s.kind() == LoadLoop.Kind.BROKEN
                                                    && !accepted.contains(s.path()));
                    Figures.record(
                            "sigterm failed="
                                    + acceptedAndFailed.size()
                                    + "/"
                                    + accepted.size()
                                    + " exit="
                                    + exit.map(String::valueOf).orElse("none")
                                    + " drain="
                                    + drainMillis
                                    + "ms in_flight="
                                    + inFlight.size()
                                    + " refused_after_close="
                                    + refusedAfter.size()
                                    + " closed_while_idle="
                                    + closedIdle.size()
                                    + " drain_timeout="
                                    + DRAIN_TIMEOUT.toMillis()
                                    + "ms backend_delay="
                                    + BACKEND_DELAY_MILLIS
                                    + "ms");

                    assertThat(exit).as("exit code within drain_timeout + margin").contains(0);
                    assertThat(Duration.ofMillis(drainMillis))
                            .isLessThan(DRAIN_TIMEOUT.plus(EXIT_MARGIN));
                    assertThat(acceptedAndFailed).as("accepted requests that failed").isEmpty();
                    assertThat(inFlightAtSigterm).isPositive();
                    assertThat(inFlight)
                            .hasSizeGreaterThanOrEqualTo(inFlightAtSigterm)
                            .allSatisfy(
                                    s -> {
                                        assertThat(s.status()).isEqualTo(200);
                                        assertThat(s.connectionClose()).isTrue();
                                    });
                    assertThat(drainingWhenRefused)
                            .as("new connections refused while requests were still in flight")
                            .isTrue();
                    assertThat(refusedAfter).isNotEmpty();
                } finally {
                    load.stop();
                }
            }
        }
    }

    @Test
    void sighup_configFileChanged_isReloadedAndRoutesToTheNewBackend(@TempDir Path dir)
            throws Exception {
        try (TestBackend one = TestBackend.start("one");
                TestBackend two = TestBackend.start("two")) {
            Path config = dir.resolve("portcullis.yaml");
            PortcullisProcess.write(
                    config,
                    new ConfigText().upstream("app", "", one.address()).route("/", "app").render());
            try (PortcullisProcess portcullis = PortcullisProcess.start(config)) {
                assertThat(portcullis.get(portcullis.proxyUri("/")).body()).isEqualTo("one");
                PortcullisProcess.write(
                        config,
                        new ConfigText()
                                .upstream("app", "", two.address())
                                .route("/", "app")
                                .render());

                portcullis.signal("HUP");

                await().atMost(Duration.ofSeconds(10))
                        .until(() -> portcullis.get(portcullis.proxyUri("/")).body().equals("two"));
                assertThat(portcullis.output()).anyMatch(line -> line.contains("Reload (SIGHUP)"));
                portcullis.terminate();
                assertThat(portcullis.awaitExit(DRAIN_TIMEOUT.plus(EXIT_MARGIN))).contains(0);
            }
        }
    }

    /** A keep-alive connection that has had one answer and now waits, idle. */
    private static Socket idleKeepAliveConnection(InetSocketAddress proxy) throws IOException {
        Socket socket = new Socket();
        socket.connect(proxy, 5000);
        socket.setSoTimeout((int) (BACKEND_DELAY_MILLIS * 3));
        OutputStream out = socket.getOutputStream();
        out.write(
                "GET /idle HTTP/1.1\r\nHost: idle.test\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        // The answer is small: read up to the end of its body ("slow"), then leave it idle.
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().endsWith("\r\n\r\nslow")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the answer: " + seen);
            }
            seen.append((char) b);
        }
        return socket;
    }

    private static boolean closedByPeer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    private static boolean refused(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
