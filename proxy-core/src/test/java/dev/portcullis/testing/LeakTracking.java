package dev.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when a Netty buffer it allocated was garbage collected without being released.
 * Registered for every test through the service loader; leak reports only appear after a collection
 * and the next tracked allocation, so both are forced here.
 */
public final class LeakTracking implements AfterEachCallback, AfterAllCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        assertThat(ResourceLeakDetector.getLevel())
                .as("tests must run with paranoid leak detection")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
        // One collection per test keeps the suite fast; the class ends with a thorough one.
        assertThat(collectReports(1)).as("Netty resource leaks").isEmpty();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertThat(collectReports(3)).as("Netty resource leaks").isEmpty();
    }

    /** Forces the detector to look at everything collected since the last call. */
    public static List<String> collectReports() {
        return collectReports(3);
    }

    private static List<String> collectReports(int rounds) {
        for (int round = 0; round < rounds; round++) {
            System.gc();
            provokeLeakCheck();
        }
        return FailingLeakDetector.drainReports();
    }

    private static void provokeLeakCheck() {
        for (int i = 0; i < 16; i++) {
            ByteBuf pooled = ByteBufAllocator.DEFAULT.directBuffer(16);
            pooled.release();
            ByteBuf heap = Unpooled.buffer(16);
            heap.release();
        }
    }
}
