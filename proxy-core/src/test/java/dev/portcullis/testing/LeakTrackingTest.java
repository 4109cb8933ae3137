package dev.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class LeakTrackingTest {

    @Test
    void unreleasedBuffer_afterCollection_isReported() {
        allocateAndForget();

        // The reports are drained here so that this deliberate leak does not fail the test.
        Awaitility.await()
                .until(
                        () ->
                                LeakTracking.collectReports().stream()
                                        .anyMatch(report -> report.contains("ByteBuf")));
    }

    @Test
    void releasedBuffer_isNotReported() {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(64);
        buffer.writeLong(42);
        buffer.release();

        assertThat(LeakTracking.collectReports()).isEmpty();
    }

    private static void allocateAndForget() {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(64);
        buffer.writeLong(42);
    }
}
