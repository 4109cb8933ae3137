package dev.portcullis.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.OutlierConfig;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Backend;
import dev.portcullis.upstream.BackendObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutlierDetectorTest {

    private static final OutlierConfig DEFAULTS = OutlierConfig.defaults();

    private final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private @Nullable UpstreamHealth health;

    @AfterEach
    void stop() {
        if (health != null) {
            health.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Test
    void localFailures_belowThreshold_keepBackendIn() throws Exception {
        Backend backend = watched(DEFAULTS, 2).get(0);

        failLocally(backend, 4);

        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void localFailures_atThreshold_ejectBackend() throws Exception {
        Backend backend = watched(DEFAULTS, 2).get(0);

        failLocally(backend, 5);

        assertThat(backend.isAvailable()).isFalse();
        assertThat(health().backends().get(0).state()).isEqualTo(HealthState.EJECTED);
        assertThat(ejections("a:80")).isEqualTo(1);
    }

    @Test
    void response_betweenLocalFailures_startsTheCountOver() throws Exception {
        Backend backend = watched(DEFAULTS, 2).get(0);

        failLocally(backend, 4);
        backend.observer().onResponse(200);
        failLocally(backend, 4);

        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void serverError_betweenLocalFailures_startsTheCountOverToo() throws Exception {
        Backend backend = watched(DEFAULTS, 2).get(0);

        failLocally(backend, 4);
        backend.observer().onResponse(500);
        failLocally(backend, 4);

        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void serverErrors_countingOff_neverEject() throws Exception {
        Backend backend = watched(DEFAULTS, 2).get(0);

        answer(backend, 500, 50);

        assertThat(backend.isAvailable()).isTrue();
        assertThat(ejections("a:80")).isZero();
    }

    @Test
    void serverErrors_countingOn_ejectAtThreshold() throws Exception {
        Backend backend = watched(with5xx(3), 2).get(0);

        answer(backend, 503, 2);
        assertThat(backend.isAvailable()).isTrue();
        answer(backend, 500, 1);

        assertThat(backend.isAvailable()).isFalse();
    }

    @Test
    void serverErrors_countingOn_successStartsTheCountOver() throws Exception {
        Backend backend = watched(with5xx(3), 2).get(0);

        answer(backend, 500, 2);
        answer(backend, 200, 1);
        answer(backend, 500, 2);

        assertThat(backend.isAvailable()).isTrue();
    }

    @ParameterizedTest(name = "{0} backends at {1}% eject {2}")
    @CsvSource({"2, 50, 1", "3, 50, 1", "10, 50, 5", "10, 10, 1", "2, 100, 2"})
    void maxEjectionPercent_allBackendsFailing_ejectsAtMostThatShare(
            int backends, int percent, int ejectable) throws Exception {
        OutlierConfig config =
                new OutlierConfig(5, 0, Duration.ofSeconds(30), Duration.ofMinutes(5), percent);
        List<Backend> all = watched(config, backends);

        for (Backend backend : all) {
            failLocally(backend, 5);
        }

        assertThat(all.stream().filter(backend -> !backend.isAvailable())).hasSize(ejectable);
        assertThat(skipped()).isEqualTo(backends - ejectable);
    }

    @Test
    void ejection_timeUpWithoutActiveChecks_returnsBackend() throws Exception {
        Backend backend = watched(shortEjection(), 2).get(0);
        failLocally(backend, 5);

        await().atMost(Duration.ofSeconds(5)).until(backend::isAvailable);

        assertThat(health().backends().get(0).state()).isEqualTo(HealthState.UNKNOWN);
    }

    @Test
    void ejection_heldBack_happensAtNextFailureOnceASlotIsFree() throws Exception {
        List<Backend> both = watched(shortEjection(), 2);
        failLocally(both.get(0), 5);
        failLocally(both.get(1), 5);
        assertThat(both.get(1).isAvailable()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(both.get(0)::isAvailable);

        failLocally(both.get(1), 1);

        assertThat(both.get(1).isAvailable()).isFalse();
    }

    @Test
    void failures_whileEjected_doNotExtendTheEjection() throws Exception {
        Backend backend = watched(DEFAULTS, 2).get(0);
        failLocally(backend, 5);
        long remaining = health().backends().get(0).remainingEjectionNanos();

        failLocally(backend, 20);

        assertThat(health().backends().get(0).remainingEjectionNanos())
                .isLessThanOrEqualTo(remaining);
        assertThat(ejections("a:80")).isEqualTo(1);
    }

    @Test
    void close_removesTheObservers() throws Exception {
        Backend backend = watched(DEFAULTS, 2).get(0);

        health().close();

        assertThat(backend.observer()).isSameAs(BackendObserver.NONE);
    }

    private List<Backend> watched(OutlierConfig config, int backends) throws Exception {
        int[] weights = new int[backends];
        Arrays.fill(weights, 1);
        List<Backend> list = TestBackends.weighted(weights);
        UpstreamHealth created =
                UpstreamHealth.create(
                        HealthTesting.upstream("app", list),
                        null,
                        config,
                        group,
                        NioSocketChannel.class,
                        new ProxyMetrics(registry));
        health = created;
        created.start().get(1, TimeUnit.SECONDS);
        return list;
    }

    private UpstreamHealth health() {
        return Objects.requireNonNull(health, "no upstream health built");
    }

    private static OutlierConfig with5xx(int consecutive5xx) {
        return new OutlierConfig(
                5, consecutive5xx, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);
    }

    private static OutlierConfig shortEjection() {
        return new OutlierConfig(5, 0, Duration.ofMillis(100), Duration.ofSeconds(1), 50);
    }

    private static void failLocally(Backend backend, int times) {
        for (int i = 0; i < times; i++) {
            backend.observer().onLocalFailure();
        }
    }

    private static void answer(Backend backend, int status, int times) {
        for (int i = 0; i < times; i++) {
            backend.observer().onResponse(status);
        }
    }

    private double ejections(String backend) {
        return registry.get(MeterNames.BACKEND_EJECTIONS)
                .tag(MeterNames.TAG_BACKEND, backend)
                .counter()
                .count();
    }

    private double skipped() {
        return registry.get(MeterNames.BACKEND_EJECTIONS_SKIPPED).counter().count();
    }
}
