package dev.portcullis.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The table of admin paths and what each one answers; a new endpoint is one more entry here. */
final class AdminEndpoints {

    /**
     * The Prometheus text exposition format 0.0.4, which {@link PrometheusMeterRegistry#scrape()}
     * writes. The registry's own constant for it is not public, so it is repeated here.
     */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final AdminReply ALIVE = AdminReply.text(HttpResponseStatus.OK, "ok");
    private static final AdminReply READY = AdminReply.text(HttpResponseStatus.OK, "ready");
    private static final AdminReply NOT_READY =
            AdminReply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready");

    private AdminEndpoints() {}

    /**
     * The endpoints every admin listener has: liveness, readiness and metrics.
     *
     * @param ready asked on every {@code /readyz}; it must be cheap and safe to call from any
     *     thread
     */
    static Map<String, AdminEndpoint> standard(
            PrometheusMeterRegistry registry, BooleanSupplier ready) {
        return Map.of(
                "/healthz", AdminEndpoint.get(() -> ALIVE),
                "/readyz", AdminEndpoint.get(() -> ready.getAsBoolean() ? READY : NOT_READY),
                "/metrics", AdminEndpoint.get(() -> metrics(registry)));
    }

    private static AdminReply metrics(PrometheusMeterRegistry registry) {
        return new AdminReply(HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape());
    }
}
