package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.config.AccessLogFormat;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.testing.Figures;
import dev.portcullis.testing.LoadLoop;
import dev.portcullis.testing.RunningProxy;
import dev.portcullis.testing.TestBackend;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.upstream.Backend;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A backend that dies under steady load costs almost no request, leaves the rotation within the
 * active checks' fall time and comes back within their rise time once it runs again. The measured
 * times are recorded as {@code FIGURE backend-kill} lines.
 */
class BackendFailoverIT {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final int UNHEALTHY = 2;
    private static final int HEALTHY = 2;

    /**
     * What the bounds allow beyond {@code count × interval}: the phase of the checks at the change,
     * the poll of this test, and a machine shared with other work (its event loops compete with the
     * client loop for two cores). Measured detection and recovery times stay well inside; the
     * figures show them.
     */
    private static final Duration SLACK = Duration.ofMillis(1000);

    private static final Duration POLL = Duration.ofMillis(5);

    @Test
    void backendStoppedUnderLoad_leavesRotationFastAndReturnsWhenStartedAgain() throws Exception {
        TestBackend steady = TestBackend.start("steady");
        TestBackend dying = TestBackend.start("dying");
        int dyingPort = dying.address().getPort();
        TestBackend restarted = null;
        try (RunningProxy proxy =
                RunningProxy.start(
                        TestConfigs.builder()
                                .backend(steady.address())
                                .backend(dying.address())
                                .accessLog(AccessLogFormat.OFF)
                                .healthCheck(
                                        TestConfigs.httpCheck(
                                                "/healthz", INTERVAL, HEALTHY, UNHEALTHY))
                                .build())) {
            Backend dyingBackend = proxy.backend("app", dyingPort);
            Backend steadyBackend = proxy.backend("app", steady.address().getPort());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> dyingBackend.isAvailable() && steadyBackend.isAvailable());
            LoadLoop load = LoadLoop.start(proxy.address(), 4, Duration.ofSeconds(30), 500_000);
            try {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> load.samples(s -> "dying".equals(s.backend())).size() > 50);

                // when the backend dies: its listening socket and every connection close
                long killedAt = System.nanoTime();
                dying.close();
                await().atMost(limit(UNHEALTHY))
                        .pollInterval(POLL)
                        .until(() -> !dyingBackend.isAvailable());
                long outOfRotationNanos = System.nanoTime() - killedAt;
                await().atMost(limit(UNHEALTHY))
                        .pollInterval(POLL)
                        .until(() -> proxy.status(dyingBackend).consecutiveFailures() >= UNHEALTHY);
                long checksDownNanos = System.nanoTime() - killedAt;
                AtomicLong lastSeen = new AtomicLong(-1);
                await().during(Duration.ofMillis(500))
                        .atMost(Duration.ofSeconds(3))
                        .until(() -> unchanged(lastSeen, connectFailures(proxy)));
                int failedWhileDown = load.failures().size();

                // when it runs again on the same port
                restarted =
                        TestBackend.start(
                                "dying", dyingPort, (request, reply) -> reply.text(200, "dying"));
                long restartedAt = System.nanoTime();
                await().atMost(limit(HEALTHY))
                        .pollInterval(POLL)
                        .until(() -> load.firstFrom("dying", restartedAt) != null);
                LoadLoop.Sample back = Objects.requireNonNull(load.firstFrom("dying", restartedAt));
                long recoveryNanos = back.sentNanos() - restartedAt;
                int seenBack = load.samples().size();
                await().atMost(Duration.ofSeconds(5)).until(() -> load.total() > seenBack + 1000);
                load.stop();

                int total = load.total();
                int failed = load.failures().size();
                Figures.record(
                        "backend-kill failed="
                                + failed
                                + "/"
                                + total
                                + " failed_while_down="
                                + failedWhileDown
                                + " out_of_rotation="
                                + millis(outOfRotationNanos)
                                + "ms checks_down="
                                + millis(checksDownNanos)
                                + "ms recovery="
                                + millis(recoveryNanos)
                                + "ms interval="
                                + INTERVAL.toMillis()
                                + "ms unhealthy="
                                + UNHEALTHY
                                + " healthy="
                                + HEALTHY);
                assertThat(failed)
                        .as("failed requests of %s: %s", total, load.failures())
                        .isLessThan(total / 100);
                assertThat(Duration.ofNanos(outOfRotationNanos)).isLessThan(limit(UNHEALTHY));
                assertThat(Duration.ofNanos(recoveryNanos)).isLessThan(limit(HEALTHY));
                assertThat(restarted.requests()).anyMatch(r -> r.uri().startsWith("/load/"));
            } finally {
                load.stop();
            }
        } finally {
            steady.close();
            dying.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    private static Duration limit(int checks) {
        return INTERVAL.multipliedBy(checks).plus(SLACK);
    }

    private static long connectFailures(RunningProxy proxy) {
        return (long) proxy.count(MeterNames.UPSTREAM_FAILURES, MeterNames.TAG_KIND, "connect");
    }

    /** True when the value is the one seen at the previous poll. */
    private static boolean unchanged(AtomicLong lastSeen, long now) {
        return lastSeen.getAndSet(now) == now;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
