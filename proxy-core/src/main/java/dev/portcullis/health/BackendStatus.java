package dev.portcullis.health;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A read-only picture of one backend's health at one moment, for the admin API.
 *
 * @param upstream the upstream's name
 * @param backend the backend's id ({@code host:port})
 * @param state {@link HealthState#EJECTED} while ejected, the active-check state otherwise
 * @param available whether the balancers may choose it now
 * @param consecutiveSuccesses active checks passed in a row
 * @param consecutiveFailures active checks failed in a row
 * @param ejectedUntil when the current ejection's time is up; {@code null} when not ejected
 * @param ejections ejections in the current series (the next one lasts {@code base × 2^n}); 0 once
 *     the backend has served a full base ejection time since the last one
 * @param activeRequests requests in flight to it
 * @param lastCheck the latest active check, or {@code null} before the first
 */
public record BackendStatus(
        String upstream,
        String backend,
        HealthState state,
        boolean available,
        int consecutiveSuccesses,
        int consecutiveFailures,
        @Nullable Instant ejectedUntil,
        int ejections,
        int activeRequests,
        @Nullable LastCheck lastCheck) {

    /**
     * One active check's outcome.
     *
     * @param detail what was seen: {@code status 200}, {@code connect failed: ...}, ...
     */
    public record LastCheck(Instant at, boolean passed, String detail) {}
}
