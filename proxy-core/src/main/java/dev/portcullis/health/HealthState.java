package dev.portcullis.health;

/** Where a backend stands, as the admin view shows it. */
public enum HealthState {
    /** Not checked yet, or not checked at all when the upstream has no active checks. */
    UNKNOWN,
    /** The last checks passed; {@code healthy} passes in a row after being unhealthy. */
    HEALTHY,
    /** {@code unhealthy} checks in a row failed, or the first check did. */
    UNHEALTHY,
    /**
     * Taken out of service by outlier detection, until the ejection time is up (and, when the
     * upstream has active checks, a check has passed after it).
     */
    EJECTED
}
