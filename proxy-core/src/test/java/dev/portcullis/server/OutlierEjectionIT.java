package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.AccessLogFormat;
import dev.portcullis.config.OutlierConfig;
import dev.portcullis.health.HealthState;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.testing.Figures;
import dev.portcullis.testing.LoadLoop;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.upstream.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Passive outlier detection over real sockets: 5xx responses eject a backend only when {@code
 * consecutive_5xx} asks for it, the backend returns when its time is up (through a passing check
 * where there are active checks), {@code max_ejection_percent} caps how many are out at once, and
 * refused connections eject with the default settings.
 */
class OutlierEjectionIT {

    private static final Duration POLL = Duration.ofMillis(5);

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void consecutive5xx_backendAnswering500s_isEjectedAndReturnsAfterEjectionTime()
            throws Exception {
        Duration ejection = Duration.ofSeconds(2);
        try (TestBackend good = TestBackend.start("good");
                TestBackend sick =
                        TestBackend.start("sick", (request, reply) -> reply.text(500, "sick"));
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(good.address())
                                        .backend(sick.address())
                                        .outlier(new OutlierConfig(5, 3, ejection, ejection, 50))
                                        .build())) {
            Backend sickBackend = proxy.backend("app", sick.address().getPort());

            // given: three 500s in a row from the sick backend
            int sent = 0;
            while (sick.requests().size() < 3 && sent++ < 20) {
                get(proxy, "/before/" + sent);
            }
            assertThat(sick.requests()).hasSize(3);
            long ejectedAt = System.nanoTime();

            // then: it is out, and every request goes to the other one
            assertThat(sickBackend.isAvailable()).isFalse();
            assertThat(proxy.status(sickBackend).state()).isEqualTo(HealthState.EJECTED);
            for (int i = 0; i < 10; i++) {
                assertThat(get(proxy, "/during/" + i).body()).isEqualTo("good");
            }
            assertThat(sick.requests()).hasSize(3);

            // when: the backend is well again and its time is up, it takes traffic again
            sick.responder((request, reply) -> reply.text(200, "sick"));
            await().atMost(ejection.plusSeconds(3))
                    .pollInterval(POLL)
                    .until(sickBackend::isAvailable);
            long outNanos = System.nanoTime() - ejectedAt;
            for (int i = 0; i < 4; i++) {
                get(proxy, "/after/" + i);
            }
            assertThat(sick.requests()).hasSizeGreaterThan(3);
            assertThat(ejections(proxy, sickBackend)).isEqualTo(1);
            Figures.record(
                    "outlier-5xx ejected_after=3 out="
                            + TimeUnit.NANOSECONDS.toMillis(outNanos)
                            + "ms base_ejection="
                            + ejection.toMillis()
                            + "ms");
        }
    }

    @Test
    void consecutive5xx_withPassingHealthChecks_staysOutForTheEjectionTimeThenReturnsOnACheck()
            throws Exception {
        Duration ejection = Duration.ofSeconds(1);
        Duration interval = Duration.ofMillis(100);
        TestBackend.Responder sickButAlive =
                (request, reply) ->
                        reply.text(request.uri().equals("/healthz") ? 200 : 500, "sick");
        try (TestBackend good = TestBackend.start("good");
                TestBackend sick = TestBackend.start("sick", sickButAlive);
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(good.address())
                                        .backend(sick.address())
                                        .healthCheck(
                                                TestConfigs.httpCheck("/healthz", interval, 2, 2))
                                        .outlier(
                                                new OutlierConfig(
                                                        5,
                                                        2,
                                                        ejection,
                                                        ejection.multipliedBy(4),
                                                        50))
                                        .build())) {
            Backend sickBackend = proxy.backend("app", sick.address().getPort());
            await().atMost(Duration.ofSeconds(5)).until(sickBackend::isAvailable);

            int sent = 0;
            while (sickBackend.isAvailable() && sent++ < 20) {
                get(proxy, "/before/" + sent);
            }
            long ejectedAt = System.nanoTime();
            assertThat(proxy.status(sickBackend).state()).isEqualTo(HealthState.EJECTED);

            await().atMost(ejection.plusSeconds(3))
                    .pollInterval(POLL)
                    .until(sickBackend::isAvailable);
            long outNanos = System.nanoTime() - ejectedAt;

            // Checks passed all along; the backend still sat out its whole ejection time.
            assertThat(Duration.ofNanos(outNanos)).isGreaterThanOrEqualTo(ejection);
            assertThat(Duration.ofNanos(outNanos))
                    .isLessThan(ejection.plus(interval.multipliedBy(2)).plusMillis(1000));
            assertThat(proxy.status(sickBackend).lastCheck()).isNotNull();
            Figures.record(
                    "outlier-5xx-checked out="
                            + TimeUnit.NANOSECONDS.toMillis(outNanos)
                            + "ms base_ejection="
                            + ejection.toMillis()
                            + "ms interval="
                            + interval.toMillis()
                            + "ms");
        }
    }

    @Test
    void maxEjectionPercent34_threeBackendsFailing_atMostOneIsEjectedAtATime() throws Exception {
        TestBackend.Responder failing = (request, reply) -> reply.text(500, "failing");
        try (TestBackend first = TestBackend.start("first", failing);
                TestBackend second = TestBackend.start("second", failing);
                TestBackend third = TestBackend.start("third", failing);
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(first.address())
                                        .backend(second.address())
                                        .backend(third.address())
                                        .accessLog(AccessLogFormat.OFF)
                                        .outlier(
                                                new OutlierConfig(
                                                        5,
                                                        2,
                                                        Duration.ofMillis(300),
                                                        Duration.ofMillis(300),
                                                        34))
                                        .build())) {
            List<Backend> backends =
                    List.of(
                            proxy.backend("app", first.address().getPort()),
                            proxy.backend("app", second.address().getPort()),
                            proxy.backend("app", third.address().getPort()));
            LoadLoop load = LoadLoop.start(proxy.address(), 2, Duration.ofSeconds(10), 100_000);
            try {
                AtomicInteger most = new AtomicInteger();
                await().during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(4))
                        .pollInterval(Duration.ofMillis(2))
                        .until(() -> most.accumulateAndGet(ejected(backends), Math::max) <= 1);
                int mostEjected = most.get();

                assertThat(mostEjected).as("backends ejected at once").isEqualTo(1);
                assertThat(proxy.count(MeterNames.BACKEND_EJECTIONS_SKIPPED)).isPositive();
                double ejections = proxy.count(MeterNames.BACKEND_EJECTIONS);
                assertThat(ejections).as("ejections, one after the other").isGreaterThan(1);
                Figures.record(
                        "outlier-max-percent most_ejected_at_once="
                                + mostEjected
                                + "/3 ejections="
                                + (long) ejections
                                + " skipped="
                                + (long) proxy.count(MeterNames.BACKEND_EJECTIONS_SKIPPED)
                                + " requests="
                                + load.total());
            } finally {
                load.stop();
            }
        }
    }

    @Test
    void defaultSettings_backendRefusingConnections_isEjectedAndNoRequestFails() throws Exception {
        InetSocketAddress nothing = portWithNothingListening();
        try (TestBackend good = TestBackend.start("good");
                RunningProxy proxy =
                        RunningProxy.start(
                                TestConfigs.builder()
                                        .backend(good.address())
                                        .backend(nothing)
                                        .build())) {
            Backend dead = proxy.backend("app", nothing.getPort());

            int sent = 0;
            while (dead.isAvailable() && sent < 50) {
                assertThat(get(proxy, "/r/" + sent++).statusCode()).isEqualTo(200);
            }

            assertThat(proxy.status(dead).state()).isEqualTo(HealthState.EJECTED);
            assertThat(ejections(proxy, dead)).isEqualTo(1);
            double refused =
                    proxy.count(MeterNames.UPSTREAM_FAILURES, MeterNames.TAG_KIND, "connect");
            assertThat(refused).isEqualTo(OutlierConfig.defaults().consecutiveLocalFailures());
            for (int i = 0; i < 10; i++) {
                assertThat(get(proxy, "/after/" + i).statusCode()).isEqualTo(200);
            }
            assertThat(proxy.count(MeterNames.UPSTREAM_FAILURES, MeterNames.TAG_KIND, "connect"))
                    .as("no attempt goes to the ejected backend")
                    .isEqualTo(refused);
        }
    }

    private static int ejected(List<Backend> backends) {
        int out = 0;
        for (Backend backend : backends) {
            if (!backend.isAvailable()) {
                out++;
            }
        }
        return out;
    }

    private static double ejections(RunningProxy proxy, Backend backend) {
        return proxy.count(
                MeterNames.BACKEND_EJECTIONS,
                MeterNames.TAG_UPSTREAM,
                "app",
                MeterNames.TAG_BACKEND,
                backend.id());
    }

    private HttpResponse<String> get(RunningProxy proxy, String path)
            throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(proxy.uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static InetSocketAddress portWithNothingListening() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
    }
}
