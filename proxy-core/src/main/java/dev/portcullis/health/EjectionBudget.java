package dev.portcullis.health;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of an upstream's backends may be ejected at once: {@code max_ejection_percent} of them,
 * rounded down. Lock-free; a slot is taken before an ejection and given back when the backend
 * returns to service. With active checks that is after a passing check, so a backend that is still
 * down when its ejection time is up keeps its slot: passive detection alone never takes out more
 * than the share, and the active checks judge the rest.
 */
final class EjectionBudget {

    private final int backends;
    private final int maxPercent;
    private final AtomicInteger ejected = new AtomicInteger();

    EjectionBudget(int backends, int maxPercent) {
        this.backends = backends;
        this.maxPercent = maxPercent;
    }

    /** Takes a slot unless that would eject more than the allowed share. */
    boolean tryAcquire() {
        while (true) {
            int now = ejected.get();
            if ((long) (now + 1) * 100 > (long) maxPercent * backends) {
                return false;
            }
            if (ejected.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        ejected.decrementAndGet();
    }

    int ejected() {
        return ejected.get();
    }

    int maxPercent() {
        return maxPercent;
    }
}
