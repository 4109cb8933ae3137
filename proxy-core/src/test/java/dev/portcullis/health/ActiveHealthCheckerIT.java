package dev.portcullis.health;

import static dev.portcullis.health.HealthTesting.backendOf;
import static dev.portcullis.health.HealthTesting.checks;
import static dev.portcullis.health.HealthTesting.httpChecks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.config.HealthCheckKind;
import dev.portcullis.config.OutlierConfig;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.upstream.Backend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ActiveHealthCheckerIT {

    // Generous: a cold JVM on a busy machine can take a while to answer its first check.
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<TestBackend> servers = new ArrayList<>();
    private @Nullable UpstreamHealth health;

    @AfterEach
    void stop() {
        if (health != null) {
            health.close();
        }
        servers.forEach(TestBackend::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Test
    void start_healthyBackend_completesWithBackendAvailable() throws Exception {
        TestBackend server = server();
        Backend backend = backendOf(server);
        CompletableFuture<Void> first = checked(httpChecks(TIMEOUT), backend);
        assertThat(backend.isAvailable()).isFalse();

        first.get(5, TimeUnit.SECONDS);

        assertThat(backend.isAvailable()).isTrue();
        assertThat(only().state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void healthyBackend_manyChecks_staysAvailable() throws Exception {
        TestBackend server = server();
        Backend backend = backendOf(server);
        checked(httpChecks(TIMEOUT), backend).get(5, TimeUnit.SECONDS);

        await().until(() -> server.requests().size() >= 6);

        assertThat(backend.isAvailable()).isTrue();
        assertThat(checkCount(MeterNames.RESULT_SUCCESS)).isGreaterThanOrEqualTo(5);
        assertThat(checkCount(MeterNames.RESULT_FAILURE)).isZero();
    }

    @Test
    void httpCheck_request_isGetOfPathWithAuthorityAndConnectionClose() throws Exception {
        TestBackend server = server();
        checked(httpChecks(TIMEOUT), backendOf(server)).get(5, TimeUnit.SECONDS);

        TestBackend.Recorded request = server.requests().get(0);

        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri()).isEqualTo("/healthz");
        assertThat(request.headers().get("Host"))
                .isEqualTo("127.0.0.1:" + server.address().getPort());
        assertThat(request.headers().get("Connection")).isEqualTo("close");
    }

    @Test
    void httpCheck_hostHeaderSet_sendsIt() throws Exception {
        TestBackend server = server();
        HealthCheckConfig config = checks(HealthCheckKind.HTTP, TIMEOUT, "app.internal");
        checked(config, backendOf(server)).get(5, TimeUnit.SECONDS);

        assertThat(server.requests().get(0).headers().get("Host")).isEqualTo("app.internal");
    }

    @Test
    void backendAnswering500_unhealthyChecksInARow_takeItOut() throws Exception {
        TestBackend server = server();
        Backend backend = backendOf(server);
        checked(httpChecks(TIMEOUT), backend).get(5, TimeUnit.SECONDS);
        List<Boolean> availableAtArrival = new CopyOnWriteArrayList<>();

        // The next check starts only after the last result was counted, so what a request
        // finds on arrival is the verdict after the checks before it.
        server.responder(
                (request, reply) -> {
                    availableAtArrival.add(backend.isAvailable());
                    reply.text(500, "sick");
                });

        await().until(() -> availableAtArrival.size() >= 4);
        assertThat(availableAtArrival.subList(0, 4)).containsExactly(true, true, true, false);
        assertThat(only().state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(lastCheck().detail()).isEqualTo("status 500");
    }

    @Test
    void backendBackTo200_healthyChecksInARow_bringItBack() throws Exception {
        TestBackend server = server((request, reply) -> reply.text(500, "sick"));
        Backend backend = backendOf(server);
        checked(httpChecks(TIMEOUT), backend).get(5, TimeUnit.SECONDS);
        assertThat(backend.isAvailable()).isFalse();
        List<Boolean> availableAtArrival = new CopyOnWriteArrayList<>();

        server.responder(
                (request, reply) -> {
                    availableAtArrival.add(backend.isAvailable());
                    reply.text(200, "fine");
                });

        await().until(() -> availableAtArrival.size() >= 3);
        assertThat(availableAtArrival.subList(0, 3)).containsExactly(false, false, true);
        assertThat(only().state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void backendStopped_portClosed_takesItOut() throws Exception {
        TestBackend server = server();
        Backend backend = backendOf(server);
        checked(httpChecks(TIMEOUT), backend).get(5, TimeUnit.SECONDS);

        server.close();

        await().until(() -> !backend.isAvailable());
        assertThat(lastCheck().detail()).startsWith("connect failed: ");
    }

    @Test
    void tcpCheck_listeningBackend_isAvailableWithoutAnyRequest() throws Exception {
        TestBackend server = server();
        Backend backend = backendOf(server);

        checked(checks(HealthCheckKind.TCP, TIMEOUT, null), backend).get(5, TimeUnit.SECONDS);

        assertThat(backend.isAvailable()).isTrue();
        await().until(() -> server.acceptedConnections() > 0);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void tcpCheck_portClosed_takesItOut() throws Exception {
        TestBackend server = server();
        Backend backend = backendOf(server);
        checked(checks(HealthCheckKind.TCP, TIMEOUT, null), backend).get(5, TimeUnit.SECONDS);

        server.close();

        await().until(() -> !backend.isAvailable());
        assertThat(only().state()).isEqualTo(HealthState.UNHEALTHY);
    }

    @Test
    void timeout_backendAcceptsAndNeverAnswers_failsTheCheckInTime() throws Exception {
        TestBackend server = server((request, reply) -> {});
        Backend backend = backendOf(server);
        HealthCheckConfig config = checks(HealthCheckKind.HTTP, Duration.ofMillis(150), null);

        checked(config, backend).get(2, TimeUnit.SECONDS);

        assertThat(backend.isAvailable()).isFalse();
        assertThat(lastCheck().detail()).isEqualTo("no answer within 150ms");
        await().until(() -> !server.requests().isEmpty());
    }

    @Test
    void start_liveAndDeadBackends_completesWhenEachHadItsFirstCheck() throws Exception {
        TestBackend live = server();
        TestBackend dead = server();
        Backend up = backendOf(live);
        Backend down = backendOf(dead);
        dead.close();

        checked(httpChecks(TIMEOUT), up, down).get(5, TimeUnit.SECONDS);

        assertThat(up.isAvailable()).isTrue();
        assertThat(down.isAvailable()).isFalse();
        assertThat(health().statuses())
                .allSatisfy(status -> assertThat(status.lastCheck()).isNotNull());
    }

    @Test
    void close_checksRunning_backendSeesNoFurtherRequests() throws Exception {
        TestBackend server = server();
        checked(httpChecks(TIMEOUT), backendOf(server)).get(5, TimeUnit.SECONDS);
        await().until(() -> server.requests().size() >= 2);

        health().close();
        await().until(() -> server.openConnections() == 0);
        int seen = server.requests().size();

        await().during(Duration.ofMillis(400))
                .atMost(Duration.ofSeconds(2))
                .until(() -> server.requests().size() == seen);
    }

    @Test
    void close_checkInFlight_recordsNoResultAndEndsTheFirstRound() throws Exception {
        TestBackend server = server((request, reply) -> {});
        CompletableFuture<Void> first =
                checked(
                        checks(HealthCheckKind.HTTP, Duration.ofSeconds(1), null),
                        backendOf(server));
        await().pollInterval(Duration.ofMillis(5)).until(() -> !server.requests().isEmpty());

        health().close();

        first.get(1, TimeUnit.SECONDS);
        // Longer than what was left of the check's timeout: a result would have come by now.
        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(3))
                .until(() -> only().lastCheck() == null);
        assertThat(checkCount(MeterNames.RESULT_FAILURE)).isZero();
    }

    private CompletableFuture<Void> checked(HealthCheckConfig config, Backend... backends)
            throws Exception {
        UpstreamHealth created =
                UpstreamHealth.create(
                        HealthTesting.upstream("app", List.of(backends)),
                        config,
                        OutlierConfig.defaults(),
                        group,
                        NioSocketChannel.class,
                        new ProxyMetrics(registry));
        health = created;
        return created.start();
    }

    private UpstreamHealth health() {
        return Objects.requireNonNull(health, "no upstream health built");
    }

    private BackendStatus only() {
        return health().statuses().get(0);
    }

    private BackendStatus.LastCheck lastCheck() {
        return Objects.requireNonNull(only().lastCheck(), "no check recorded");
    }

    private double checkCount(String result) {
        return registry
                .find(MeterNames.BACKEND_HEALTH_CHECKS)
                .tag(MeterNames.TAG_RESULT, result)
                .counters()
                .stream()
                .mapToDouble(counter -> counter.count())
                .sum();
    }

    private TestBackend server() throws InterruptedException {
        return server((request, reply) -> reply.text(200, "ok"));
    }

    private TestBackend server(TestBackend.Responder responder) throws InterruptedException {
        TestBackend server = TestBackend.start("health", responder);
        servers.add(server);
        return server;
    }
}
