package dev.portcullis.server.timeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static final class Counting extends Deadline {
        final AtomicInteger fired = new AtomicInteger();

        @Override
        protected void expired() {
            fired.incrementAndGet();
        }
    }

    @Test
    void armed_timePasses_firesOnceAndDisarms() {
        Counting deadline = new Counting();

        loop.execute(() -> deadline.arm(loop, TimeUnit.MILLISECONDS.toNanos(20)));

        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> deadline.fired.get() == 1);
        assertThat(deadline.isArmed()).isFalse();
    }

    @Test
    void disarmed_beforeDue_neverFires() throws Exception {
        Counting early = new Counting();
        Counting witness = new Counting();

        loop.submit(
                        () -> {
                            early.arm(loop, TimeUnit.MILLISECONDS.toNanos(30));
                            witness.arm(loop, TimeUnit.MILLISECONDS.toNanos(150));
                            early.disarm();
                        })
                .sync();

        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> witness.fired.get() == 1);
        assertThat(early.fired).hasValue(0);
    }

    @Test
    void rearmed_beforeDue_firesAtTheLaterTime() throws Exception {
        Counting deadline = new Counting();
        long start = System.nanoTime();

        loop.submit(() -> deadline.arm(loop, TimeUnit.MILLISECONDS.toNanos(20))).sync();
        loop.submit(() -> deadline.arm(loop, TimeUnit.MILLISECONDS.toNanos(300))).sync();

        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> deadline.fired.get() == 1);
        assertThat(System.nanoTime() - start)
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void callbackDisarmsAnother_walkStaysCorrect() throws Exception {
        Counting second = new Counting();
        Deadline first =
                new Deadline() {
                    @Override
                    protected void expired() {
                        second.disarm();
                    }
                };

        loop.submit(
                        () -> {
                            second.arm(loop, TimeUnit.MILLISECONDS.toNanos(10));
                            first.arm(loop, TimeUnit.MILLISECONDS.toNanos(10));
                        })
                .sync();

        Awaitility.await()
                .atMost(Duration.ofSeconds(2))
                .until(() -> !first.isArmed() && !second.isArmed());
        assertThat(second.fired.get()).isLessThanOrEqualTo(1);
    }
}
