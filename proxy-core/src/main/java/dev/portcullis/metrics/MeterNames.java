package dev.portcullis.metrics;

/**
 * Every meter name and tag an operator sees, in one place. Micrometer names are dotted; the
 * Prometheus registry renders them as {@code portcullis_requests_total} and so on. Tag values are
 * always from a bounded set: never a path, an address or a user agent.
 */
public final class MeterNames {

    public static final String REQUESTS = "portcullis.requests";
    public static final String REQUEST_DURATION = "portcullis.request.duration";
    public static final String UPSTREAM_DURATION = "portcullis.upstream.duration";
    public static final String ACTIVE_CONNECTIONS = "portcullis.active.connections";
    public static final String CONNECTIONS = "portcullis.connections";
    public static final String BACKEND_UP = "portcullis.backend.up";
    public static final String BACKEND_ACTIVE_REQUESTS = "portcullis.backend.active.requests";
    public static final String BLOCKED = "portcullis.blocked";
    public static final String FILTER_DECISIONS = "portcullis.filter.decisions";
    public static final String UPSTREAM_FAILURES = "portcullis.upstream.failures";
    public static final String UPSTREAM_RETRIES = "portcullis.upstream.retries";
    public static final String UPSTREAM_CONNECTIONS = "portcullis.upstream.connections";
    public static final String BACKEND_HEALTH_CHECKS = "portcullis.backend.health.checks";
    public static final String BACKEND_EJECTIONS = "portcullis.backend.ejections";
    public static final String BACKEND_EJECTIONS_SKIPPED = "portcullis.backend.ejections.skipped";

    public static final String TAG_ROUTE = "route";
    public static final String TAG_UPSTREAM = "upstream";
    public static final String TAG_BACKEND = "backend";
    public static final String TAG_CODE_CLASS = "code_class";
    public static final String TAG_LISTENER = "listener";
    public static final String TAG_REASON = "reason";
    public static final String TAG_FILTER = "filter";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_KIND = "kind";
    public static final String TAG_EVENT = "event";
    public static final String TAG_RESULT = "result";

    /** Reasons of {@link #BLOCKED} raised by the front end itself. */
    public static final String REASON_LIMIT = "limit";

    public static final String REASON_SMUGGLING = "smuggling";
    public static final String REASON_MALFORMED = "malformed";

    /** Results of {@link #BACKEND_HEALTH_CHECKS}. */
    public static final String RESULT_SUCCESS = "success";

    public static final String RESULT_FAILURE = "failure";

    /** TLS handshakes completed, by {@link #TAG_PROTOCOL} ({@code TLSv1.3}, {@code TLSv1.2}). */
    public static final String TLS_HANDSHAKES = "portcullis.tls.handshakes";

    /** TLS handshakes that failed, by {@link #TAG_REASON} from a bounded set. */
    public static final String TLS_HANDSHAKE_FAILURES = "portcullis.tls.handshake.failures";

    public static final String TAG_PROTOCOL = "protocol";

    private MeterNames() {}
}
