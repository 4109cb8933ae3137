package dev.portcullis.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.config.HealthCheckKind;
import dev.portcullis.config.OutlierConfig;
import dev.portcullis.health.BackendHealth.EjectOutcome;
import dev.portcullis.testing.TestBackends;
import dev.portcullis.upstream.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BackendHealthTest {

    private static final OutlierConfig OUTLIER = OutlierConfig.defaults();

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Backend backend = TestBackends.backend("app", "a", 1);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(BackendHealth.class);

    @AfterEach
    void detachLog() {
        logger.detachAppender(log);
    }

    @Test
    void healthy_failuresBelowThreshold_staysAvailable() {
        BackendHealth health = checked(true);
        health.checkPassed("status 200");

        health.checkFailed("status 500");
        health.checkFailed("status 500");

        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void healthy_unhealthyFailuresInARow_becomesUnavailable() {
        BackendHealth health = checked(true);
        health.checkPassed("status 200");

        for (int i = 0; i < 3; i++) {
            health.checkFailed("status 500");
        }

        assertThat(health.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(backend.isAvailable()).isFalse();
    }

    @Test
    void healthy_passBetweenFailures_startsTheFailureCountOver() {
        BackendHealth health = checked(true);
        health.checkPassed("status 200");

        health.checkFailed("status 500");
        health.checkFailed("status 500");
        health.checkPassed("status 200");
        health.checkFailed("status 500");
        health.checkFailed("status 500");

        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void unhealthy_passesBelowThreshold_staysUnavailable() {
        BackendHealth health = checked(true);
        health.checkFailed("status 500");

        health.checkPassed("status 200");

        assertThat(health.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(backend.isAvailable()).isFalse();
    }

    @Test
    void unhealthy_healthyPassesInARow_becomesAvailable() {
        BackendHealth health = checked(true);
        health.checkFailed("status 500");

        health.checkPassed("status 200");
        health.checkPassed("status 200");

        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void unknown_checkBeforeTraffic_takesNoTrafficUntilFirstPass() {
        BackendHealth health = checked(true);

        assertThat(health.state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(backend.isAvailable()).isFalse();

        health.checkPassed("status 200");

        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void unknown_trafficBeforeCheckAllowed_isAvailable() {
        BackendHealth health = checked(false);

        assertThat(health.state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void unknown_firstCheckFails_becomesUnhealthyAtOnce() {
        BackendHealth health = checked(false);

        health.checkFailed("connect failed: refused");

        assertThat(health.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(backend.isAvailable()).isFalse();
    }

    @Test
    void noActiveChecks_neverChecked_isAvailable() {
        backend.setAvailable(false);

        BackendHealth health = unchecked(budget(1, 100));

        assertThat(health.state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void ejection_repeated_lastsBaseTimesPowersOfTwoUpToMax() {
        BackendHealth health = unchecked(budget(1, 100));
        long[] expectedSeconds = {30, 60, 120, 240, 300, 300};

        for (long seconds : expectedSeconds) {
            assertThat(health.tryEject("test")).isEqualTo(EjectOutcome.EJECTED);
            assertThat(health.remainingEjectionNanos()).isEqualTo(seconds(seconds));
            advance(health.remainingEjectionNanos());
            assertThat(health.releaseIfDue()).isZero();
            assertThat(backend.isAvailable()).isTrue();
        }
    }

    @Test
    void ejection_afterFullBaseEjectionInService_startsOverAtBase() {
        BackendHealth health = unchecked(budget(1, 100));
        ejectAndServeOut(health);
        ejectAndServeOut(health);

        advance(seconds(30));
        health.tryEject("test");

        assertThat(health.remainingEjectionNanos()).isEqualTo(seconds(30));
    }

    @Test
    void ejection_backInServiceLessThanBase_keepsGrowing() {
        BackendHealth health = unchecked(budget(1, 100));
        ejectAndServeOut(health);

        advance(seconds(29));
        health.tryEject("test");

        assertThat(health.remainingEjectionNanos()).isEqualTo(seconds(60));
    }

    @Test
    void ejection_beforeTimeIsUp_keepsBackendOut() {
        BackendHealth health = unchecked(budget(1, 100));
        health.tryEject("test");

        advance(seconds(10));
        long remaining = health.releaseIfDue();

        assertThat(remaining).isEqualTo(seconds(20));
        assertThat(health.state()).isEqualTo(HealthState.EJECTED);
        assertThat(backend.isAvailable()).isFalse();
    }

    @Test
    void ejection_withActiveChecks_waitsForPassingCheckAfterTime() {
        BackendHealth health = checked(true);
        health.checkPassed("status 200");
        health.tryEject("test");
        advance(seconds(30));

        health.releaseIfDue();
        assertThat(backend.isAvailable()).isFalse();
        health.checkFailed("status 500");
        assertThat(backend.isAvailable()).isFalse();
        health.checkPassed("status 200");

        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(backend.isAvailable()).isTrue();
    }

    @Test
    void ejection_passingCheckBeforeTimeIsUp_keepsBackendOut() {
        BackendHealth health = checked(true);
        health.checkPassed("status 200");
        health.tryEject("test");

        health.checkPassed("status 200");

        assertThat(health.state()).isEqualTo(HealthState.EJECTED);
        assertThat(backend.isAvailable()).isFalse();
    }

    @Test
    void ejection_checksSawBackendGoDownAndRecover_endsBeforeItsTime() {
        BackendHealth health = checked(true);
        health.checkPassed("status 200");
        health.tryEject("test");
        for (int i = 0; i < 3; i++) {
            health.checkFailed("connect refused");
        }

        health.checkPassed("status 200");
        assertThat(backend.isAvailable()).isFalse();
        health.checkPassed("status 200");

        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(backend.isAvailable()).isTrue();
        assertThat(health.remainingEjectionNanos()).isZero();
    }

    @Test
    void ejection_whileEjected_isRefusedAsAlreadyEjected() {
        BackendHealth health = unchecked(budget(1, 100));
        health.tryEject("test");

        assertThat(health.tryEject("again")).isEqualTo(EjectOutcome.ALREADY_EJECTED);
        assertThat(health.remainingEjectionNanos()).isEqualTo(seconds(30));
    }

    @Test
    void ejection_budgetSpent_isHeldAndBackendStaysIn() {
        EjectionBudget budget = budget(2, 50);
        BackendHealth first = unchecked(budget);
        Backend other = TestBackends.backend("app", "b", 1);
        BackendHealth second = new BackendHealth(other, null, OUTLIER, budget, clock::get);
        first.tryEject("test");

        EjectOutcome outcome = second.tryEject("test");

        assertThat(outcome).isEqualTo(EjectOutcome.HELD_BY_LIMIT);
        assertThat(other.isAvailable()).isTrue();
    }

    @Test
    void ejection_ended_givesItsBudgetSlotBack() {
        EjectionBudget budget = budget(2, 50);
        BackendHealth health = unchecked(budget);
        health.tryEject("test");

        advance(seconds(30));
        health.releaseIfDue();

        assertThat(budget.ejected()).isZero();
    }

    @Test
    void changes_manyFailingChecks_logOneLinePerChange() {
        BackendHealth health = checked(true);
        health.checkPassed("status 200");
        attachLog();

        for (int i = 0; i < 6; i++) {
            health.checkFailed("status 500");
        }
        for (int i = 0; i < 4; i++) {
            health.checkPassed("status 200");
        }

        assertThat(log.list)
                .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        tuple(
                                Level.WARN,
                                "backend down upstream=app backend=a:80 available=false"
                                        + " reason=\"3 checks failed in a row: status 500\""),
                        tuple(
                                Level.INFO,
                                "backend recovered upstream=app backend=a:80 available=true"
                                        + " reason=\"2 checks passed in a row: status 200\""));
    }

    @Test
    void status_ejected_showsUntilCountAndLastCheck() {
        BackendHealth health = checked(true);
        health.checkPassed("status 200");
        advance(seconds(1));
        health.tryEject("test");
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        BackendStatus status = health.status(now);

        assertThat(status.upstream()).isEqualTo("app");
        assertThat(status.backend()).isEqualTo("a:80");
        assertThat(status.state()).isEqualTo(HealthState.EJECTED);
        assertThat(status.available()).isFalse();
        assertThat(status.consecutiveSuccesses()).isEqualTo(1);
        assertThat(status.ejectedUntil()).isEqualTo(now.plusSeconds(30));
        assertThat(status.ejections()).isEqualTo(1);
        assertThat(status.lastCheck())
                .isEqualTo(new BackendStatus.LastCheck(now.minusSeconds(1), true, "status 200"));
    }

    @Test
    void status_seriesOver_showsNoEjections() {
        BackendHealth health = unchecked(budget(1, 100));
        ejectAndServeOut(health);

        advance(seconds(30));

        assertThat(health.status(Instant.EPOCH).ejections()).isZero();
        assertThat(health.status(Instant.EPOCH).ejectedUntil()).isNull();
    }

    private BackendHealth checked(boolean checkBeforeTraffic) {
        return new BackendHealth(
                backend, checks(checkBeforeTraffic), OUTLIER, budget(1, 100), clock::get);
    }

    private BackendHealth unchecked(EjectionBudget budget) {
        return new BackendHealth(backend, null, OUTLIER, budget, clock::get);
    }

    private static HealthCheckConfig checks(boolean checkBeforeTraffic) {
        return new HealthCheckConfig(
                HealthCheckKind.HTTP,
                "/healthz",
                Duration.ofSeconds(5),
                0,
                Duration.ofSeconds(1),
                200,
                399,
                2,
                3,
                checkBeforeTraffic,
                null);
    }

    private static EjectionBudget budget(int backends, int percent) {
        return new EjectionBudget(backends, percent);
    }

    private void ejectAndServeOut(BackendHealth health) {
        health.tryEject("test");
        advance(health.remainingEjectionNanos());
        health.releaseIfDue();
    }

    private void advance(long nanos) {
        clock.addAndGet(nanos);
    }

    private static long seconds(long seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    private void attachLog() {
        log.start();
        logger.addAppender(log);
    }
}
